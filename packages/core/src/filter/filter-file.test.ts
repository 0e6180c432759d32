import { describe, expect, it } from "vitest";
import { isFerryError } from "../errors.js";
import { compileFilter, parseFilesFrom, parseFilterFile } from "./index.js";

describe("parseFilterFile", () => {
  it("reads + and - lines with their origin, skipping comments and blanks", () => {
    const text = "\uFEFF# keep sources\r\n+ *.c\r\n; rclone comment\r\n\r\n  - *.o  \n-\tbuild/\n+    spaced\n";
    expect(parseFilterFile(text, "rules.txt")).toEqual([
      { action: "include", pattern: "*.c", origin: "rules.txt:2" },
      { action: "exclude", pattern: "*.o", origin: "rules.txt:5" },
      { action: "exclude", pattern: "build/", origin: "rules.txt:6" },
      { action: "include", pattern: "spaced", origin: "rules.txt:7" },
    ]);
  });

  it("returns no rules for an empty or comment-only file", () => {
    expect(parseFilterFile("", "f")).toEqual([]);
    expect(parseFilterFile("# only\n\n", "f")).toEqual([]);
  });

  it.each<[line: string, message: RegExp]>([
    ["* foo", /rules\.txt:3: malformed filter rule "\* foo"/],
    ["+", /rules\.txt:3: malformed filter rule "\+"/],
    ["+x", /rules\.txt:3: malformed filter rule "\+x"/],
    ["include foo", /rules\.txt:3: malformed filter rule "include foo"/],
    ["!", /rules\.txt:3: "!" \(clear the rules so far\) is not supported/],
  ])("refuses %j naming the file and line", (line, message) => {
    let caught: unknown;
    try {
      parseFilterFile(`+ a\n# c\n${line}\n- b\n`, "rules.txt");
    } catch (e) {
      caught = e;
    }
    expect(isFerryError(caught)).toBe(true);
    expect((caught as { code: string }).code).toBe("Usage");
    expect((caught as Error).message).toMatch(message);
    expect((caught as { hint?: string }).hint).toBeTruthy();
  });

  it("feeds compileFilter, after the command line's rules", () => {
    const rules = [{ action: "include" as const, pattern: "important.log", origin: "--include #1" }, ...parseFilterFile("- *.log\n", "f")];
    const filter = compileFilter({ rules });
    expect(filter.includes("important.log")).toBe(true);
    expect(filter.explain("x.log").reason).toBe('excluded by "- *.log" (f:1)');
  });
});

describe("parseFilesFrom", () => {
  it("reads one key per line, trimmed, without comments, blanks or a leading /", () => {
    expect(parseFilesFrom("\uFEFFa/b.txt\r\n  c.txt  \n# comment\n\n/abs/key\n//x\ndir/\n/\n")).toEqual([
      "a/b.txt",
      "c.txt",
      "abs/key",
      "x",
      "dir/",
    ]);
  });

  it("feeds compileFilter", () => {
    const filter = compileFilter({ filesFrom: parseFilesFrom("a.txt\nlogs/\n") });
    expect(filter.includes("a.txt")).toBe(true);
    expect(filter.includes("logs/x/y")).toBe(true);
    expect(filter.includes("b.txt")).toBe(false);
  });
});
