import { describe, expect, it } from "vitest";
import { isFerryError } from "../errors.js";
import { compileFilter, type FilterStyle } from "./index.js";

/** Does a single exclude rule with this pattern match the key? */
function matches(pattern: string, key: string, options: { style?: FilterStyle; ignoreCase?: boolean } = {}): boolean {
  const filter = compileFilter({ rules: [{ action: "exclude", pattern }], ...options });
  return !filter.includes(key);
}

type Row = [pattern: string, key: string, matched: boolean];

describe("rclone pattern syntax (first-match)", () => {
  const rows: Record<string, Row[]> = {
    "no leading / matches the end of the path on segment boundaries": [
      ["*.log", "a.log", true],
      ["*.log", "x/y/a.log", true],
      ["*.log", "a.log.gz", false],
      ["*.log", "a.logx", false],
      ["*.log", ".log", true],
      ["b/*.txt", "a/b/c.txt", true],
      ["b/*.txt", "b/c.txt", true],
      ["b/*.txt", "ab/c.txt", false],
      ["b/*.txt", "a/b/d/c.txt", false],
      // juicefs guide: `foo` matches foo and xx/foo but not foo1, 2foo or foo/xx
      ["foo", "foo", true],
      ["foo", "xx/foo", true],
      ["foo", "foo1", false],
      ["foo", "2foo", false],
      ["foo", "foo/xx", false],
    ],
    "a leading / anchors at the root": [
      ["/foo", "foo", true],
      ["/foo", "a/foo", false],
      ["/b/*.txt", "b/c.txt", true],
      ["/b/*.txt", "a/b/c.txt", false],
      ["/*", "a", true],
      ["/*", "a/b", false],
      // juicefs guide: /foo/*/bar is bar two levels under /foo, /foo/**/bar any level
      ["/foo/*/bar", "foo/spam/bar", true],
      ["/foo/*/bar", "foo/spam/eggs/bar", false],
      ["/foo/**/bar", "foo/spam/eggs/bar", true],
      ["/foo/**/bar", "foo/spam/bar", true],
      ["/foo/**/bar", "foo/bar", false], // rclone: "**" is ".*", the slashes around it stay
      // juicefs guide: /foo** is everything whose first name starts with foo
      ["/foo**", "foo1/x", true],
      ["/foo**", "foobar.txt", true],
      ["/foo**", "x/foo1", false],
    ],
    "* stays in one segment, ** crosses": [
      ["*", "a", true],
      ["*", "a/b/c", true],
      ["**", "a/b/c", true],
      ["a*c", "abc", true],
      ["a*c", "a/c", false],
      ["/a*c", "ab/xc", false],
      ["/a**c", "ab/xc", true],
      ["a/**", "a/b", true],
      ["a/**", "a/b/c", true],
      ["a/**", "x/a/b", true],
      ["a/**", "ab/c", false],
      ["a/**", "a", false],
      ["/a/**", "x/a/b", false],
      ["**.gz", "a/b/c.gz", true],
      ["**.gz", "c.gz", true],
      ["**foo/**", "a/barfoo/x", true],
      ["**foo/**", "foo/x", true],
      ["**foo/**", "afoo.txt", false],
    ],
    "? is one character, never /": [
      ["a?c", "abc", true],
      ["a?c", "a/c", false],
      ["a?c", "ac", false],
      ["a?c", "a😀c", true],
      ["?.txt", "😀.txt", true],
      ["??.txt", "😀.txt", false],
    ],
    "classes": [
      ["[a-c].txt", "b.txt", true],
      ["[a-c].txt", "d.txt", false],
      ["[^a-c].txt", "d.txt", true],
      ["[^a-c].txt", "a.txt", false],
      ["[!a-c].txt", "d.txt", true],
      ["[!a-c].txt", "b.txt", false],
      ["x[^a]y", "x/y", false],
      ["x[!a]y", "x/y", false],
      ["x[/]y", "x/y", false],
      ["x[+-0]y", "x/y", false],
      ["x[+-0]y", "x-y", true],
      ["[]]", "]", true],
      ["[!]]", "]", false],
      ["[!]]", "a", true],
      ["[[:digit:]]*.log", "1a.log", true],
      ["[[:digit:]]*.log", "a1.log", false],
      ["[[:upper:][:digit:]]", "Q", true],
      ["[[:upper:][:digit:]]", "q", false],
      ["[a\\-z]", "-", true],
      ["[a\\-z]", "b", false],
      ["[a-]", "-", true],
      ["[éü]", "ü", true],
      ["[😀-😂]", "😁", true],
      ["[*?]", "*", true],
      ["[*?]", "a", false],
    ],
    "braces": [
      ["*.{jpg,png}", "a.jpg", true],
      ["*.{jpg,png}", "x/a.png", true],
      ["*.{jpg,png}", "a.gif", false],
      ["{a,b/c}.txt", "b/c.txt", true],
      ["{a,b/c}.txt", "x/b/c.txt", true],
      ["{a,b/c}.txt", "a.txt", true],
      ["{a,b/c}.txt", "c.txt", false],
      ["{a,{b,c}d}", "cd", true],
      ["{a,{b,c}d}", "bd", true],
      ["{a,{b,c}d}", "a", true],
      ["{a,{b,c}d}", "b", false],
      ["{,x}y", "y", true],
      ["{,x}y", "xy", true],
      ["{*.jpg,*.png}", "a/b.png", true],
      ["a,b", "a,b", true],
      ["a,b", "a", false],
    ],
    "escapes and characters special to RegExp are literal": [
      ["\\*.txt", "*.txt", true],
      ["\\*.txt", "a.txt", false],
      ["a\\?", "a?", true],
      ["a\\?", "ab", false],
      ["\\[x\\]", "[x]", true],
      ["\\[x\\]", "x", false],
      ["a\\{b,c\\}", "a{b,c}", true],
      ["a\\{b,c\\}", "ab", false],
      ["a\\\\b", "a\\b", true],
      ["a\\b", "ab", true],
      ["a]", "a]", true],
      ["a.txt", "abtxt", false],
      ["a+b(c).txt", "a+b(c).txt", true],
      ["x^y$z|w", "x^y$z|w", true],
      ["a-b", "a-b", true],
    ],
    "a trailing / matches directories, so every key below them": [
      ["tmp/", "a/tmp/x.txt", true],
      ["tmp/", "tmp/y", true],
      ["tmp/", "a/b/tmp/c/d", true],
      ["tmp/", "tmp", false],
      ["tmp/", "a/tmp", false],
      ["tmp/", "tmpx/y", false],
      ["tmp/", "xtmp/y", false],
      ["/tmp/", "tmp/y", true],
      ["/tmp/", "a/tmp/x", false],
      ["*/", "a/b", true],
      ["*/", "b", false],
      ["a/b/", "x/a/b/c", true],
      ["a/b/", "a/bc/d", false],
    ],
    "Unicode code points, no normalisation, case-sensitive by default": [
      ["ü*", "über", true],
      ["*.😀", "x.😀", true],
      ["é", "e\u0301", false],
      ["*.JPG", "a.jpg", false],
      ["straße", "STRASSE", false],
    ],
    "keys may hold newlines": [
      ["*", "a\nb", true],
      ["a*b", "a\nb", true],
      ["a?b", "a\nb", true],
    ],
  };
  for (const [title, table] of Object.entries(rows)) {
    it.each(table)(`${title}: %j vs %j → %s`, (pattern, key, expected) => {
      expect(matches(pattern, key)).toBe(expected);
    });
  }
});

describe("ignoreCase", () => {
  it.each<[pattern: string, key: string, rclone: boolean, aws: boolean]>([
    ["*.JPG", "a.jpg", true, true],
    ["[A-Z].txt", "b.txt", true, true],
    ["ÜBER", "x/über", true, false], // aws patterns match whole keys, not path ends
    ["/Docs/", "docs/a", true, true],
    ["{Foo,Bar}", "bar", true, true],
    ["a", "b", false, false],
  ])("%j vs %j → %s (aws: %s)", (pattern, key, rclone, aws) => {
    expect(matches(pattern, key, { ignoreCase: true })).toBe(rclone);
    expect(matches(pattern, key, { ignoreCase: true, style: "layered" })).toBe(rclone);
    expect(matches(pattern, key, { ignoreCase: true, style: "aws" })).toBe(aws);
    if (rclone) expect(matches(pattern, key)).toBe(false);
  });
});

describe("aws pattern syntax (fnmatch on the whole key)", () => {
  it.each<Row>([
    ["*", "a/b/c", true],
    ["*.txt", "a/b.txt", true],
    ["*.txt", "b.txt", true],
    ["dir/*", "dir/a", true],
    ["dir/*", "dir/sub/b", true],
    ["dir/*", "other/dir/a", false],
    ["dir/*", "dir", false],
    ["/dir/*", "dir/a", true],
    ["dir/", "dir/x/y", true],
    ["dir/", "dirx/y", false],
    ["a?c", "a/c", true],
    ["a.txt", "x/a.txt", false],
    [".git/*", "a/.git/config", false],
    [".git/*", ".git/refs/heads/main", true],
    ["[!a]*", "b/c", true],
    ["x[!a]y", "x/y", true],
    ["***", "a/b", true],
    ["*.{html,css}", "a/b.css", true],
    ["*.JPG", "a.jpg", false],
  ])("%j vs %j → %s", (pattern, key, expected) => {
    expect(matches(pattern, key, { style: "aws" })).toBe(expected);
  });
});

describe("bad patterns", () => {
  const bad: [pattern: string, problem: RegExp][] = [
    ["a***", /3 "\*" in a row/],
    ["a[b", /a "\[" is never closed/],
    ["a[", /a "\[" is never closed/],
    ["[]", /a "\[" is never closed/],
    ["{a,b", /a "\{" is never closed/],
    ["a}", /a "\}" without a "\{"/],
    ["a\\", /lone "\\"/],
    ["[z-a]", /the range "z-a" is reversed/],
    ["[[:foo:]]", /"\[:foo:\]" is not a known class/],
    ["[[:alpha]", /never closed with ":\]"/],
    ["", /it is empty/],
    ["/", /it is empty/],
  ];
  it.each(bad)("%j is refused naming the pattern and its origin", (pattern, problem) => {
    for (const style of ["first-match", "layered", "aws"] as const) {
      if (style === "aws" && pattern === "a***") continue; // fnmatch allows any run of stars
      let caught: unknown;
      try {
        compileFilter({ style, rules: [{ action: "include", pattern: "*.txt" }, { action: "exclude", pattern, origin: "--exclude #2" }] });
      } catch (e) {
        caught = e;
      }
      expect(isFerryError(caught), `${style} should refuse ${JSON.stringify(pattern)}`).toBe(true);
      const err = caught as Error & { code: string };
      expect(err.code).toBe("Usage");
      expect(err.message).toContain(`invalid filter pattern ${JSON.stringify(pattern)} (--exclude #2): `);
      expect(err.message).toMatch(problem);
    }
  });

  it("names a filter-file line, or the rule's position when there is no origin", () => {
    expect(() => compileFilter({ rules: [{ action: "exclude", pattern: "{x", origin: "rules.txt:7" }] })).toThrow(
      /invalid filter pattern "\{x" \(rules\.txt:7\)/,
    );
    expect(() => compileFilter({ rules: [{ action: "include", pattern: "ok" }, { action: "exclude", pattern: "[x" }] })).toThrow(
      /invalid filter pattern "\[x" \(rule #2\)/,
    );
  });

  it("refuses an unknown action or style", () => {
    expect(() => compileFilter({ rules: [{ action: "drop" as "exclude", pattern: "x" }] })).toThrow(/unknown filter action "drop"/);
    expect(() => compileFilter({ style: "rsync" as FilterStyle })).toThrow(/unknown filter style "rsync": use first-match, layered, aws/);
  });
});
