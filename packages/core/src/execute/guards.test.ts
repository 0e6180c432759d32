import { describe, expect, it } from "vitest";
import { checkDeleteGuards } from "./guards.js";

describe("max-delete guard (SPEC §6)", () => {
  it("allows up to 50% by default", () => {
    expect(checkDeleteGuards({ toDelete: 5, receivingInScope: 10, sendingFound: 5 })).toBeUndefined();
    expect(checkDeleteGuards({ toDelete: 6, receivingInScope: 10, sendingFound: 4 })).toMatch(/would delete 6 keys, more than --max-delete 50% \(5 of 10 keys\)/);
  });
  it("takes a count", () => {
    expect(checkDeleteGuards({ toDelete: 3, receivingInScope: 100, sendingFound: 1, maxDelete: { kind: "count", value: 2 } })).toMatch(/more than --max-delete 2/);
  });
  it("refuses deleting from an empty source", () => {
    expect(checkDeleteGuards({ toDelete: 1, receivingInScope: 1, sendingFound: 0, maxDelete: { kind: "percent", value: 100 } })).toMatch(/source is empty/);
  });
  it("--force overrides", () => {
    expect(checkDeleteGuards({ toDelete: 10, receivingInScope: 10, sendingFound: 0, force: true })).toBeUndefined();
  });
  it("nothing to delete is always fine", () => {
    expect(checkDeleteGuards({ toDelete: 0, receivingInScope: 0, sendingFound: 0 })).toBeUndefined();
  });
});
