import { describe, expect, it } from "vitest";
import type { Entry } from "../adapter.js";
import { conflictCopyKey, conflictStamp, conflictWinner, parseConflictStrategy } from "./conflicts.js";

const e = (size: number, mtime?: number): Entry => ({ key: "k", size, ...(mtime !== undefined ? { mtime } : {}) });

describe("conflict copies", () => {
  const stamp = conflictStamp(Date.UTC(2025, 0, 2, 3, 4, 5, 678));
  it("stamps UTC to the second", () => expect(stamp).toBe("20250102T030405Z"));
  it("keeps the extension last", () => {
    expect(conflictCopyKey("dir/report.txt", "dst", stamp)).toBe("dir/report.conflict-dst-20250102T030405Z.txt");
    expect(conflictCopyKey("a.tar.gz", "src", stamp)).toBe("a.tar.conflict-src-20250102T030405Z.gz");
  });
  it("marks dot-files and names without an extension at the end", () => {
    expect(conflictCopyKey("home/.bashrc", "src", stamp)).toBe("home/.bashrc.conflict-src-20250102T030405Z");
    expect(conflictCopyKey("Makefile", "dst", stamp)).toBe("Makefile.conflict-dst-20250102T030405Z");
  });
  it("numbers further attempts", () => {
    expect(conflictCopyKey("x.md", "dst", stamp, 2)).toBe("x.conflict-dst-20250102T030405Z-2.md");
  });
});

describe("conflict winners", () => {
  const older = e(10, 1000);
  const newer = e(5, 9000);
  it.each([
    ["keep-both", newer, older, "src"],
    ["keep-both", older, newer, "dst"],
    ["newer", older, newer, "dst"],
    ["older", older, newer, "src"],
    ["source", older, newer, "src"],
    ["destination", newer, older, "dst"],
    ["larger", older, newer, "src"],
    ["larger", e(5, 1000), e(5, 2000), "dst"],
  ] as const)("%s", (strategy, src, dst, winner) => {
    expect(conflictWinner(strategy, src, dst, 1)).toBe(winner);
  });
  it("ties and unknown mtimes go to the source, deterministically", () => {
    expect(conflictWinner("newer", e(1, 1000), e(2, 1000.5), 1)).toBe("src");
    expect(conflictWinner("newer", e(1), e(2), 1)).toBe("src");
    expect(conflictWinner("older", e(1, 5), e(2, 5), 1)).toBe("src");
  });
  it("refuses unknown strategies, naming the known ones", () => {
    expect(() => parseConflictStrategy("random")).toThrow(expect.objectContaining({ code: "Usage", hint: expect.stringMatching(/keep-both/) }));
  });
});
