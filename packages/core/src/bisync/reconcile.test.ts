import { describe, expect, it } from "vitest";
import { reconcile, type SettledChange, type Verdict } from "./reconcile.js";

const brief = (v: Verdict): string => {
  switch (v.kind) {
    case "keep":
    case "drop":
      return v.kind;
    case "copy":
      return `copy ${v.from}→ (${v.reason})`;
    case "delete":
      return `delete ${v.side} (${v.reason})`;
    case "compare":
      return v.otherwise === "conflict" ? "compare/conflict" : `compare/copy ${v.otherwise.copyFrom}→`;
  }
};

describe("the two-way decision table", () => {
  // rows: A's change since the state; columns: B's
  const changes: SettledChange[] = ["absent", "new", "same", "changed", "deleted"];
  const table: Record<SettledChange, string[]> = {
    absent: ["drop", "copy dst→ (new)", "keep", "copy dst→ (new)", "drop"],
    new: ["copy src→ (new)", "compare/conflict", "compare/conflict", "compare/conflict", "copy src→ (new)"],
    same: ["keep", "compare/conflict", "keep", "copy dst→ (changed)", "delete src (deleted-on-other-side)"],
    changed: ["copy src→ (new)", "compare/conflict", "copy src→ (changed)", "compare/conflict", "copy src→ (new)"],
    deleted: ["drop", "copy dst→ (new)", "delete dst (deleted-on-other-side)", "copy dst→ (new)", "drop"],
  };
  for (const a of changes) {
    it(`A ${a}`, () => {
      expect(changes.map((b) => brief(reconcile("twoWay", a, b)))).toEqual(table[a]);
    });
  }
});

describe("one-way modes through the same table", () => {
  it("the authority's copy wins; only the mirroring modes delete the receiver's extras", () => {
    expect(brief(reconcile("sourceToDestination", "absent", "new"))).toBe("delete dst (extraneous)");
    expect(brief(reconcile("sourceToDestination", "deleted", "same"))).toBe("delete dst (deleted-on-other-side)");
    expect(brief(reconcile("sourceBackup", "deleted", "same"))).toBe("keep");
    expect(brief(reconcile("sourceBackup", "same", "changed"))).toBe("compare/copy src→");
    expect(brief(reconcile("sourceBackup", "same", "deleted"))).toBe("copy src→ (new)");
    expect(brief(reconcile("destinationToSource", "new", "absent"))).toBe("delete src (extraneous)");
    expect(brief(reconcile("destinationBackup", "new", "absent"))).toBe("keep");
    expect(brief(reconcile("destinationBackup", "changed", "same"))).toBe("compare/copy dst→");
    expect(brief(reconcile("destinationBackup", "same", "same"))).toBe("keep");
  });
});
