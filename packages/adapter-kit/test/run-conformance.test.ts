import { describe, expect, it } from "vitest";
import { CONFORMANCE_CHECK_IDS, runConformance } from "../src/index.js";

describe("runConformance options", () => {
  it("has unique check ids", () => {
    expect(new Set(CONFORMANCE_CHECK_IDS).size).toBe(CONFORMANCE_CHECK_IDS.length);
    expect(CONFORMANCE_CHECK_IDS).toContain("list-order");
  });

  it("refuses an unknown skip id, naming the known ones", () => {
    expect(() => runConformance({ name: "x", create: async () => { throw new Error("unused"); }, skip: ["list-ordre: typo"] })).toThrow(/unknown check "list-ordre".*list-order/);
  });
});
