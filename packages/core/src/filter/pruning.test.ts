import { describe, expect, it } from "vitest";
import { compileFilter, type FilterOptions, type FilterRule, type FilterStyle } from "./index.js";

function rules(...lines: string[]): FilterRule[] {
  return lines.map((line) => ({ action: line[0] === "+" ? "include" : "exclude", pattern: line.slice(2) }));
}

describe("excludesDirectory prunes where it can", () => {
  const table: [style: FilterStyle, rules: string[], dir: string, prunable: boolean][] = [
    ["first-match", ["- tmp/"], "a/tmp", true],
    ["first-match", ["- tmp/"], "tmp", true],
    ["first-match", ["- tmp/"], "tmp/deeper", true],
    ["first-match", ["- tmp/"], "a", false],
    ["first-match", ["- tmp/"], "tmpx", false],
    ["first-match", ["+ *.c", "- *"], "a", false],
    ["first-match", ["+ /some/path/file", "- *"], "other", true],
    ["first-match", ["+ /some/path/file", "- *"], "some", false],
    ["first-match", ["+ /some/path/file", "- *"], "some/path", false],
    ["first-match", ["+ /some/path/file", "- *"], "some/other", true],
    ["first-match", ["+ /some/path/file", "- *"], "some/path/file", true],
    ["first-match", ["- /a/**"], "a", true],
    ["first-match", ["- /a/**"], "a/b", true],
    ["first-match", ["- /a/**"], "b", false],
    ["first-match", ["- /a/**"], "b/a", false],
    ["first-match", ["- a/**"], "x/a", true],
    ["first-match", ["+ a/keep.txt", "- a/**"], "a", false],
    ["first-match", ["- *"], "", true],
    ["first-match", ["- *"], "any/dir", true],
    ["first-match", ["+ */", "- *"], "a", true],
    ["first-match", ["- *.log"], "a", false],
    ["first-match", ["+ **/keep", "- *"], "a", false],
    ["first-match", ["+ /a/**/keep", "- *"], "b", true],
    ["first-match", ["+ /a/**/keep", "- *"], "a/x/y", false],
    ["first-match", ["- /*"], "a", false],
    ["first-match", [], "a", false],
    ["layered", ["- /foo"], "foo", true],
    ["layered", ["- /foo"], "foo/bar", true],
    ["layered", ["- /foo"], "x", false],
    ["layered", ["- foo/"], "a/foo", true],
    ["layered", ["+ /some/", "+ /some/path/", "+ /some/path/file", "- *"], "", false],
    ["layered", ["+ /some/", "+ /some/path/", "+ /some/path/file", "- *"], "other", true],
    ["layered", ["+ /some/", "+ /some/path/", "+ /some/path/file", "- *"], "some", false],
    ["layered", ["+ /some/", "+ /some/path/", "+ /some/path/file", "- *"], "some/path", false],
    ["layered", ["+ /some/", "+ /some/path/", "+ /some/path/file", "- *"], "some/other", true],
    ["layered", ["+ /some/", "- *"], "some", true],
    ["layered", ["+ */", "+ *.c", "- *"], "a", false],
    ["layered", ["- /*"], "", true],
    ["layered", ["- dir/*"], "a/dir", true],
    ["layered", ["- dir/*"], "a/dirx", false],
    ["layered", ["- /x/**"], "x", true],
    ["aws", ["- *", "+ *.html"], "a", false],
    ["aws", ["- *", "+ assets/*"], "other", true],
    ["aws", ["- *", "+ assets/*"], "assets", false],
    ["aws", ["- *", "+ assets/img/*"], "assets", false],
    ["aws", ["- *", "+ assets/img/*"], "assets/css", true],
    ["aws", ["- dir/*"], "dir", true],
    ["aws", ["- dir/*"], "dir/sub", true],
    ["aws", ["- dir/*"], "dirx", false],
    ["aws", ["- secret/*", "+ *.txt"], "secret", false],
    ["aws", ["+ *.txt", "- secret/*"], "secret", true],
    ["aws", ["- *"], "", true],
    ["aws", ["- .git/"], ".git", true],
  ];
  it.each(table)("%s %j: %j → %s", (style, list, dir, prunable) => {
    const filter = compileFilter({ style, rules: rules(...list) });
    expect(filter.excludesDirectory(dir)).toBe(prunable);
    if (dir !== "") expect(filter.excludesDirectory(`${dir}/`)).toBe(prunable);
  });

  it("follows the rule's case sensitivity", () => {
    const insensitive = compileFilter({ style: "aws", ignoreCase: true, rules: rules("- *", "+ Assets/Img/*") });
    expect(insensitive.excludesDirectory("assets")).toBe(false);
    expect(insensitive.excludesDirectory("ASSETS/img")).toBe(false);
    expect(insensitive.excludesDirectory("other")).toBe(true);
    const sensitive = compileFilter({ style: "aws", rules: rules("- *", "+ Assets/*") });
    expect(sensitive.excludesDirectory("assets")).toBe(true);
    const firstMatch = compileFilter({ ignoreCase: true, rules: rules("- /TMP/") });
    expect(firstMatch.excludesDirectory("tmp")).toBe(true);
  });

  it("uses --files-from and the key range", () => {
    const files = compileFilter({ filesFrom: ["a/b/c.txt", "x/", "/lead/ing.txt"] });
    expect(files.excludesDirectory("a")).toBe(false);
    expect(files.excludesDirectory("a/b")).toBe(false);
    expect(files.excludesDirectory("a/c")).toBe(true);
    expect(files.excludesDirectory("a/b/c.txt")).toBe(true);
    expect(files.excludesDirectory("x")).toBe(false);
    expect(files.excludesDirectory("x/y/z")).toBe(false);
    expect(files.excludesDirectory("lead")).toBe(false);
    expect(files.excludesDirectory("q")).toBe(true);
    expect(files.excludesDirectory("")).toBe(false);
    expect(compileFilter({ filesFrom: [] }).excludesDirectory("")).toBe(true);

    const range = compileFilter({ start: "m", end: "t" });
    expect(range.excludesDirectory("a")).toBe(true);
    expect(range.excludesDirectory("m")).toBe(false);
    expect(range.excludesDirectory("mz")).toBe(false);
    expect(range.excludesDirectory("s")).toBe(false);
    expect(range.excludesDirectory("t")).toBe(true); // "t/x" sorts after "t"
    expect(range.excludesDirectory("u")).toBe(true);
    expect(range.excludesDirectory("")).toBe(false);
    expect(compileFilter({ start: "m/x" }).excludesDirectory("m")).toBe(false);
    expect(compileFilter({ end: "m/x" }).excludesDirectory("m")).toBe(false);
  });
});

/** mulberry32: a tiny seeded PRNG so the property test is reproducible */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("excludesDirectory is conservative (never true while a key below could be included)", () => {
  const names = ["a", "b", "foo", "some", "path", "tmp", "x.c", "x.txt", "b.gz", "Foo", "ü", "😀", ".git", "dir", "2026", "file"];
  const patterns = [
    "*", "**", "*/", "/*", "/**", "a/", "/a/", "foo", "/foo", "foo/", "*.c", "**.gz", "/some/path/", "/some/**", "a/**",
    "*/b", "b/*", "/foo/*/x.c", "[a-f]*", "{a,b}/", "?", "Foo/", "ü*", "tmp/", "**/tmp/**", "/dir/*", "dir/*", ".git/*",
    "2026/*", "some/", "x.*", "**foo/**", "/some/path/file", "a/b/", "/a/b/*", "*/*/", "/{some,dir}/**", "[!a-z]*/",
    "/2026/**/x.c", "**/", "/a*", "some/path/file", "a/*/c",
  ];
  const random = prng(20240501);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;

  const keys = new Set<string>();
  while (keys.size < 250) {
    const depth = 1 + Math.floor(random() * 4);
    keys.add(Array.from({ length: depth }, () => pick(names)).join("/"));
  }
  const keyList = [...keys].sort();
  // every directory above some key, with the keys below it
  const below = new Map<string, string[]>([["", keyList]]);
  for (const key of keyList) {
    for (let i = key.indexOf("/"); i >= 0; i = key.indexOf("/", i + 1)) {
      const dir = key.slice(0, i);
      below.set(dir, [...(below.get(dir) ?? []), key]);
    }
  }
  for (const dir of ["zzz", "a/zzz", "some/path/zzz", "Some"]) below.set(dir, []);

  it.each(["first-match", "layered", "aws"] as const)("%s", (style) => {
    let pruned = 0;
    for (let round = 0; round < 150; round++) {
      const count = 1 + Math.floor(random() * 5);
      const list: FilterRule[] = Array.from({ length: count }, () => ({
        action: random() < 0.5 ? "include" : "exclude",
        pattern: pick(patterns),
      }));
      const options: FilterOptions = { style, rules: list, ignoreCase: random() < 0.3 };
      const filter = compileFilter(options);
      const included = new Map(keyList.map((k) => [k, filter.includes(k)]));
      // the fast path and the explanation agree, in any order of calls
      const disagreements = [...keyList].reverse().filter((k) => filter.explain(k).included !== included.get(k));
      expect(disagreements, JSON.stringify(options)).toEqual([]);
      for (const [dir, keysBelow] of below) {
        if (!filter.excludesDirectory(dir)) continue;
        pruned++;
        const wrongly = keysBelow.filter((k) => included.get(k));
        if (wrongly.length > 0) expect(wrongly, `${style} ${JSON.stringify(list)} pruned ${JSON.stringify(dir)}`).toEqual([]);
      }
    }
    expect(pruned).toBeGreaterThan(100); // the property is not vacuous
  });
});
