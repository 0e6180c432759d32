import { describe, expect, it } from "vitest";
import { compileFilter, type FilterOptions } from "./index.js";

const DAY = 86_400_000;
const NOW = Date.UTC(2024, 4, 1);

describe("size bounds are inclusive (rclone)", () => {
  it.each<[options: FilterOptions, size: number, included: boolean]>([
    [{ minSize: 100 }, 99, false],
    [{ minSize: 100 }, 100, true],
    [{ maxSize: 100 }, 100, true],
    [{ maxSize: 100 }, 101, false],
    [{ minSize: 0, maxSize: 0 }, 0, true],
    [{ minSize: 0, maxSize: 0 }, 1, false],
  ])("%j, size %d → %s", (options, size, included) => {
    expect(compileFilter(options).includes("k", { size })).toBe(included);
  });
});

describe("age bounds (rclone): --min-age keeps older keys, --max-age newer ones", () => {
  it.each<[options: FilterOptions, age: number | undefined, included: boolean]>([
    [{ minAge: DAY }, 2 * DAY, true],
    [{ minAge: DAY }, DAY, true],
    [{ minAge: DAY }, DAY / 24, false],
    [{ maxAge: DAY }, 2 * DAY, false],
    [{ maxAge: DAY }, DAY, true],
    [{ maxAge: DAY }, DAY / 24, true],
    [{ minAge: DAY, maxAge: 7 * DAY }, 3 * DAY, true],
    [{ minAge: DAY, maxAge: 7 * DAY }, 8 * DAY, false],
    // an unknown mtime passes: listings without mtimes must not silently select nothing
    [{ minAge: DAY, maxAge: 7 * DAY }, undefined, true],
  ])("%j, age %s → %s", (options, age, included) => {
    const filter = compileFilter({ ...options, now: NOW });
    expect(filter.includes("k", { size: 1, mtime: age === undefined ? undefined : NOW - age })).toBe(included);
  });

  it("defaults now to the compile time", () => {
    const filter = compileFilter({ maxAge: DAY });
    expect(filter.includes("k", { size: 1, mtime: Date.now() - 1000 })).toBe(true);
    expect(filter.includes("k", { size: 1, mtime: Date.now() - 2 * DAY })).toBe(false);
  });

  it("applies size and age only when an entry is given", () => {
    expect(compileFilter({ minSize: 10, maxAge: DAY, now: NOW }).includes("k")).toBe(true);
  });
});

describe("key range: --start and --end inclusive, in byte order", () => {
  it.each<[options: FilterOptions, key: string, included: boolean]>([
    [{ start: "b", end: "d" }, "a", false],
    [{ start: "b", end: "d" }, "b", true],
    [{ start: "b", end: "d" }, "c/x", true],
    [{ start: "b", end: "d" }, "d", true],
    [{ start: "b", end: "d" }, "d/x", false],
    [{ start: "b", end: "d" }, "e", false],
    [{ start: "b" }, "zzz", true],
    [{ end: "b" }, "a/b/c", true],
    // code point order: U+1F600 sorts after U+FF46, though its UTF-16 code unit is smaller
    [{ start: "ｆ" }, "😀", true],
    [{ end: "ｆ" }, "😀", false],
  ])("%j, %j → %s", (options, key, included) => {
    expect(compileFilter(options).includes(key)).toBe(included);
  });
});

describe("--files-from", () => {
  const filter = compileFilter({ filesFrom: ["a/b.txt", "dir/", "/lead.txt", "", "x/y/"] });
  it.each<[key: string, included: boolean]>([
    ["a/b.txt", true],
    ["a/b.txt2", false],
    ["a", false],
    ["dir/x/y", true],
    ["dir/", true],
    ["dir", false],
    ["dirx/y", false],
    ["lead.txt", true],
    ["x/y/z", true],
    ["x/z", false],
    ["other", false],
  ])("%j → %s", (key, included) => {
    expect(filter.includes(key)).toBe(included);
  });

  it("is exact: no patterns, no case folding", () => {
    const exact = compileFilter({ filesFrom: ["*.txt", "A.md"], ignoreCase: true });
    expect(exact.includes("a.txt")).toBe(false);
    expect(exact.includes("*.txt")).toBe(true);
    expect(exact.includes("a.md")).toBe(false);
  });

  it("an empty list selects nothing", () => {
    expect(compileFilter({ filesFrom: [] }).includes("a")).toBe(false);
  });
});

describe("selections combine with the rules by AND", () => {
  const filter = compileFilter({
    rules: [{ action: "exclude", pattern: "*.tmp" }],
    filesFrom: ["logs/"],
    minSize: 10,
    start: "logs/2024",
  });
  it.each<[key: string, size: number, included: boolean]>([
    ["logs/2024-05.txt", 100, true],
    ["logs/2024-05.tmp", 100, false],
    ["logs/2024-05.txt", 5, false],
    ["logs/2023-12.txt", 100, false],
    ["other/2024.txt", 100, false],
  ])("%j (%d bytes) → %s", (key, size, included) => {
    expect(filter.includes(key, { size })).toBe(included);
    expect(filter.explain(key, { size }).included).toBe(included);
  });
});

describe("isEmpty", () => {
  it.each<[options: FilterOptions, empty: boolean]>([
    [{}, true],
    [{ rules: [] }, true],
    [{ rules: [{ action: "include", pattern: "*.txt" }] }, true], // an unmatched key is included anyway
    [{ style: "aws", rules: [{ action: "include", pattern: "*.txt" }] }, true],
    [{ rules: [{ action: "exclude", pattern: "*.txt" }] }, false],
    [{ filesFrom: [] }, false],
    [{ minSize: 0 }, false],
    [{ maxAge: DAY }, false],
    [{ start: "a" }, false],
    [{ ignoreCase: true, now: NOW }, true],
  ])("%j → %s", (options, empty) => {
    expect(compileFilter(options).isEmpty).toBe(empty);
  });
});

describe("contradictory or bad selections are usage errors", () => {
  it.each<[options: FilterOptions, message: RegExp]>([
    [{ minSize: 10, maxSize: 5 }, /--min-size \(10 bytes\) is larger than --max-size \(5 bytes\)/],
    [{ minAge: 7 * DAY, maxAge: DAY }, /--min-age is longer than --max-age/],
    [{ start: "z", end: "a" }, /--start "z" sorts after --end "a"/],
    [{ minSize: -1 }, /invalid --min-size -1/],
    [{ maxAge: Number.NaN }, /invalid --max-age NaN/],
  ])("%j", (options, message) => {
    expect(() => compileFilter(options)).toThrow(message);
    try {
      compileFilter(options);
    } catch (e) {
      expect((e as { code: string }).code).toBe("Usage");
    }
  });
});
