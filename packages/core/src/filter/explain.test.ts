import { describe, expect, it } from "vitest";
import { compileFilter, parseFilterFile, type FilterRule } from "./index.js";

const DAY = 86_400_000;
const NOW = Date.UTC(2024, 4, 1); // 2024-05-01T00:00:00Z

describe("explain names what decided", () => {
  const flags: FilterRule[] = [
    { action: "include", pattern: "keep.log", origin: "--include #1" },
    { action: "exclude", pattern: "*.log", origin: "--exclude #2" },
  ];

  it("a rule from a flag", () => {
    const filter = compileFilter({ rules: flags });
    expect(filter.explain("x/a.log")).toEqual({ included: false, rule: flags[1], reason: 'excluded by --exclude "*.log" (#2)' });
    expect(filter.explain("keep.log")).toEqual({ included: true, rule: flags[0], reason: 'included by --include "keep.log" (#1)' });
    expect(filter.explain("a.txt")).toEqual({ included: true, reason: "no rule matched: included" });
  });

  it("a rule from a filter file", () => {
    const rules = parseFilterFile("# comment\n+ *.keep\n\n- *.tmp\n", "rules.txt");
    const filter = compileFilter({ rules });
    expect(filter.explain("a.tmp").reason).toBe('excluded by "- *.tmp" (rules.txt:4)');
    expect(filter.explain("a.keep").reason).toBe('included by "+ *.keep" (rules.txt:2)');
  });

  it("a rule without an origin, by its position", () => {
    const filter = compileFilter({ rules: [{ action: "exclude", pattern: "a" }, { action: "include", pattern: "*.txt" }] });
    expect(filter.explain("b.txt").reason).toBe('included by --include "*.txt" (rule #2)');
  });

  it("the directory layer that excluded a key (layered)", () => {
    const rules: FilterRule[] = [
      { action: "include", pattern: "/some/path/file", origin: "--include #1" },
      { action: "exclude", pattern: "*", origin: "--exclude #2" },
    ];
    const filter = compileFilter({ style: "layered", rules });
    expect(filter.explain("some/path/file")).toEqual({
      included: false,
      rule: rules[1],
      reason: 'excluded by --exclude "*" (#2) at directory "some/"',
    });
    const open = compileFilter({ style: "layered", rules: [{ action: "exclude", pattern: "*.o" }] });
    expect(open.explain("a/b.c").reason).toBe("no rule excluded it or a directory above it: included");
  });

  it("the last matching rule (aws)", () => {
    const rules: FilterRule[] = [
      { action: "exclude", pattern: "*", origin: "--exclude #1" },
      { action: "include", pattern: "*.txt", origin: "--include #2" },
    ];
    const filter = compileFilter({ style: "aws", rules });
    expect(filter.explain("a/b.txt")).toEqual({ included: true, rule: rules[1], reason: 'included by --include "*.txt" (#2)' });
    expect(filter.explain("a/b.md")).toEqual({ included: false, rule: rules[0], reason: 'excluded by --exclude "*" (#1)' });
  });

  it("the key range", () => {
    const filter = compileFilter({ start: "m", end: "t" });
    expect(filter.explain("a")).toEqual({ included: false, reason: 'sorts before --start "m": excluded' });
    expect(filter.explain("u")).toEqual({ included: false, reason: 'sorts after --end "t": excluded' });
    expect(filter.explain("n").included).toBe(true);
  });

  it("--files-from", () => {
    const filter = compileFilter({ filesFrom: ["a.txt"] });
    expect(filter.explain("b.txt")).toEqual({ included: false, reason: "not listed in --files-from: excluded" });
    expect(filter.explain("a.txt")).toEqual({ included: true, reason: "listed in --files-from, no rule matched: included" });
  });

  it("size and age bounds", () => {
    const filter = compileFilter({ minSize: 100, maxSize: 1000, minAge: DAY, maxAge: 30 * DAY, now: NOW });
    const old = NOW - 2 * DAY;
    expect(filter.explain("a", { size: 10, mtime: old }).reason).toBe("size 10 bytes is below --min-size 100 bytes: excluded");
    expect(filter.explain("a", { size: 1001, mtime: old }).reason).toBe("size 1001 bytes is above --max-size 1000 bytes: excluded");
    expect(filter.explain("a", { size: 500, mtime: NOW - 3_600_000 }).reason).toBe(
      "modified 2024-04-30T23:00:00.000Z, newer than --min-age allows (2024-04-30T00:00:00.000Z or earlier): excluded",
    );
    expect(filter.explain("a", { size: 500, mtime: NOW - 31 * DAY }).reason).toBe(
      "modified 2024-03-31T00:00:00.000Z, older than --max-age allows (2024-04-01T00:00:00.000Z or later): excluded",
    );
    expect(filter.explain("a", { size: 500, mtime: old })).toEqual({ included: true, reason: "no rule matched: included" });
    expect(filter.explain("a").reason).toBe("no rule matched: included (size and age not checked: no entry given)");
  });

  it("reports the first refusal in order: range, files-from, rules, size, age", () => {
    const rules: FilterRule[] = [{ action: "exclude", pattern: "*.tmp", origin: "--exclude #1" }];
    const filter = compileFilter({ rules, filesFrom: ["x.tmp", "y.tmp", "z.txt"], start: "y", minSize: 10 });
    expect(filter.explain("x.tmp", { size: 1 }).reason).toBe('sorts before --start "y": excluded');
    expect(filter.explain("yy.tmp", { size: 1 }).reason).toBe("not listed in --files-from: excluded");
    expect(filter.explain("y.tmp", { size: 1 }).reason).toBe('excluded by --exclude "*.tmp" (#1)');
    expect(filter.explain("z.txt", { size: 1 }).reason).toBe("size 1 byte is below --min-size 10 bytes: excluded");
  });
});
