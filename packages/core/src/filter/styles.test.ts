import { describe, expect, it } from "vitest";
import { compileFilter, type FilterRule, type FilterStyle } from "./index.js";

/** "+ P" / "- P" shorthand for the tables below */
function rules(...lines: string[]): FilterRule[] {
  return lines.map((line) => ({ action: line[0] === "+" ? "include" : "exclude", pattern: line.slice(2) }));
}

interface Row {
  /** what the seed document says, or what the row demonstrates */
  says: string;
  rules: string[];
  /** key → included? */
  keys: Record<string, boolean>;
  /** key → 1-based index of the deciding rule (0: none matched) */
  decidedBy?: Record<string, number>;
}

function check(style: FilterStyle, table: Row[]): void {
  for (const row of table) {
    describe(`${row.says} [${row.rules.join(" ")}]`, () => {
      const filter = compileFilter({ style, rules: rules(...row.rules) });
      it.each(Object.entries(row.keys))("%j → included %s", (key, included) => {
        expect(filter.includes(key)).toBe(included);
        const decision = filter.explain(key);
        expect(decision.included).toBe(included);
        const by = row.decidedBy?.[key];
        if (by !== undefined) {
          const list = rules(...row.rules);
          expect(decision.rule).toEqual(by === 0 ? undefined : list[by - 1]);
        }
      });
    });
  }
}

describe("first-match (rclone, juicefs --match-full-path)", () => {
  check("first-match", [
    {
      says: "juicefs: a1/b1/c1.txt fails 'a*.txt' (* stops at /), matches 'c1.txt', later rules ignored",
      rules: ["+ a*.txt", "+ c1.txt", "- c*.txt"],
      keys: { "a1/b1/c1.txt": true, "a1/b1/c2.txt": false, "a1.txt": true, "x/c9.txt": false, "x/d.txt": true },
      decidedBy: { "a1/b1/c1.txt": 2, "a1/b1/c2.txt": 3, "a1.txt": 1, "x/d.txt": 0 },
    },
    {
      says: "juicefs: copy all files ending with .gz",
      rules: ["+ **.gz", "- *"],
      keys: { "a/b.gz": true, "b.gz": true, "a/b/c/d.gz": true, "a/b.txt": false, "b.txt": false },
    },
    {
      says: "juicefs: copy all files that do not end with .gz",
      rules: ["- **.gz"],
      keys: { "a/b.gz": false, "b.gz": false, "a/b.txt": true, "b.gzip": true },
    },
    {
      says: "juicefs: --include='*' is the default, everything is copied",
      rules: ["+ *"],
      keys: { a: true, "a/b/c": true, "tempdir/x": true },
    },
    {
      says: "juicefs: /foo** excludes everything whose root name starts with foo",
      rules: ["- /foo**"],
      keys: { foo: false, "foo1/x": false, "foobar.txt": false, "x/foo": true, "bar/foo1": true },
    },
    {
      says: "juicefs: **foo/** excludes all directories ending with foo",
      rules: ["- **foo/**"],
      keys: { "foo/x": false, "a/barfoo/x/y": false, "a/foo.txt": true, "a/foox/y": true },
    },
    {
      says: "juicefs: '*/' '*.c' '*' keeps all directories and .c files, excludes everything else",
      rules: ["+ */", "+ *.c", "- *"],
      keys: { "a/x.c": true, "x.c": true, "a/b/x.c": true, "a/x.txt": false, "x.txt": false, "a/b/": true },
      decidedBy: { "a/x.c": 2, "a/x.txt": 3, "a/b/": 1 },
    },
    {
      says: "juicefs: 'foo/bar.c' '*' includes only foo/bar.c (unanchored: at any depth)",
      rules: ["+ foo/bar.c", "- *"],
      keys: { "foo/bar.c": true, "x/foo/bar.c": true, "foo/baz.c": false, "bar.c": false, "foo/bar.c/x": false },
    },
    {
      says: "juicefs: delete all objects except .gz (the rules select what the empty source mirrors)",
      rules: ["- **.gz", "+ *"],
      keys: { "a.gz": false, "x/a.gz": false, "a.txt": true, "x/a.txt": true },
    },
    {
      says: "first-match tests only the full path: an include deep down wins over a later catch-all",
      rules: ["+ /some/path/file", "- *"],
      keys: { "some/path/file": true, "some/path/other": false, "some/x": false },
    },
    {
      says: "an excluded directory excludes everything below it; a later include cannot rescue it",
      rules: ["- tmp/", "+ *.keep"],
      keys: { "tmp/a.keep": false, "a/tmp/b": false, "tmp": true, "a/b.keep": true },
    },
    {
      says: "an include of a directory speaks only about directories, never about files below",
      rules: ["+ photos/", "- *"],
      keys: { "photos/a.jpg": false, "photos/": true, "x": false },
    },
    {
      says: "no match = included",
      rules: ["- *.log"],
      keys: { "a.txt": true, "a/b": true },
      decidedBy: { "a.txt": 0 },
    },
  ]);
});

describe("layered (rsync, juicefs default)", () => {
  check("layered", [
    {
      says: "juicefs: a1, a1/b1 match nothing; 'c1.txt' includes the last layer; included",
      rules: ["+ a*.txt", "+ c1.txt", "- c*.txt"],
      keys: { "a1/b1/c1.txt": true, "a1/b1/c2.txt": false },
      decidedBy: { "a1/b1/c1.txt": 2, "a1/b1/c2.txt": 3 },
    },
    {
      says: "juicefs: all layers processed with no match: included",
      rules: ["- *.o"],
      keys: { "a/b/c.txt": true, "a/b.o": false, "a.o": false, "a.o/b.c": false },
      decidedBy: { "a/b/c.txt": 0, "a.o/b.c": 1 },
    },
    {
      says: "juicefs: --exclude /foo excludes the file or directory foo under the root",
      rules: ["- /foo"],
      keys: { foo: false, "foo/x": false, "foo/x/y": false, "a/foo": true, foo2: true },
    },
    {
      says: "juicefs: --exclude foo/ excludes all directories named foo",
      rules: ["- foo/"],
      keys: { "foo/x": false, "a/foo/x": false, foo: true, "a/foo": true, "foox/y": true },
    },
    {
      says: "juicefs: the parent 'some' is excluded by '*', so the include never gets a chance",
      rules: ["+ /some/path/this-file-will-not-be-synced", "- *"],
      keys: { "some/path/this-file-will-not-be-synced": false },
      decidedBy: { "some/path/this-file-will-not-be-synced": 2 },
    },
    {
      says: "juicefs: including all directories with '*/' (before '- *') lets the file through",
      rules: ["+ /some/path/this-file-will-be-synced", "+ */", "- *"],
      keys: { "some/path/this-file-will-be-synced": true, "some/path/other": false, "other.txt": false, "x/y/z": false },
    },
    {
      says: "juicefs: or include each parent directory",
      rules: ["+ /some/", "+ /some/path/", "+ /some/path/this-file-will-be-synced", "- *"],
      keys: {
        "some/path/this-file-will-be-synced": true,
        "some/x": false,
        "some/path/x": false,
        "some/other/x": false,
        "other/x": false,
        "x/some/path/this-file-will-be-synced": false,
      },
    },
    {
      says: "juicefs: /foo/*/bar is bar two levels under foo (as a file, or as a directory layer)",
      rules: ["- /foo/*/bar"],
      keys: { "foo/spam/bar": false, "foo/spam/bar/x": false, "foo/spam/eggs/bar": true },
    },
    {
      says: "juicefs: /foo/**/bar is bar at any level under foo",
      rules: ["- /foo/**/bar"],
      keys: { "foo/spam/eggs/bar": false, "foo/a/b/c/bar": false, "foo/spam/bar/x": false, "foo/x": true },
    },
    {
      says: "unlike first-match, '**.gz' '*' excludes nested .gz files: their directory layer hits '*'",
      rules: ["+ **.gz", "- *"],
      keys: { "b.gz": true, "a/b.gz": false, "b.txt": false },
    },
    {
      says: "the rsync idiom '*/' '*.c' '*' keeps .c files at every depth",
      rules: ["+ */", "+ *.c", "- *"],
      keys: { "a/b/x.c": true, "x.c": true, "a/x.txt": false, "a/b/": true },
    },
    {
      says: "an include at a layer only continues to the next layer",
      rules: ["+ a", "- b"],
      keys: { "a/b": false, "a/c": true, "a": true },
    },
    {
      says: "directory rules match directory layers, not files",
      rules: ["- build/"],
      keys: { build: true, "build/out.o": false, "src/build/x": false },
    },
  ]);
});

describe("aws (aws s3 sync)", () => {
  check("aws", [
    {
      says: "aws in depth: exclude everything, then include what you want",
      rules: ["- *", "+ *.html", "+ assets/*"],
      keys: { "index.html": true, "docs/a.html": true, "assets/x/y.png": true, "app.js": false, "img/assets/x.png": false },
      decidedBy: { "index.html": 2, "assets/x/y.png": 3, "app.js": 1 },
    },
    {
      says: "aws local directory: sync only HTML and CSS files",
      rules: ["- *", "+ *.html", "+ *.css"],
      keys: { "a.css": true, "a/b.css": true, "a.html": true, "a.js": false },
    },
    {
      says: "aws local directory: everything except log files, temp files and .git",
      rules: ["- *.log", "- *.tmp", "- .git/*"],
      keys: { "x/y.log": false, "a.tmp": false, ".git/config": false, ".git/refs/heads/main": false, "a/.git/config": true, "readme.md": true },
    },
    {
      says: "aws local directory: only files under 2026/02/",
      rules: ["- *", "+ 2026/02/*"],
      keys: { "2026/02/a.csv": true, "2026/02/x/y": true, "2026/03/a": false, "x/2026/02/a": false },
    },
    {
      says: "aws pitfall: --exclude '*' --include '*.txt' works",
      rules: ["- *", "+ *.txt"],
      keys: { "a.txt": true, "a/b.txt": true, "a.md": false },
    },
    {
      says: "aws pitfall: --include '*.txt' --exclude '*' excludes everything",
      rules: ["+ *.txt", "- *"],
      keys: { "a.txt": false, "a.md": false },
      decidedBy: { "a.txt": 2 },
    },
    {
      says: "aws cron script: --exclude '*.tmp'",
      rules: ["- *.tmp"],
      keys: { "a.tmp": false, "d/a.tmp": false, "a.txt": true },
    },
    {
      says: "aws deploy step 2: html excluded, the rest stays included (includes only re-include)",
      rules: ["- *.html", "+ *.js", "+ *.css", "+ *.jpg", "+ *.png", "+ *.svg"],
      keys: { "a.html": false, "app.js": true, "s/x.css": true, "readme.md": true },
      decidedBy: { "readme.md": 0, "app.js": 2 },
    },
    {
      says: "aws deploy step 3: everything else",
      rules: ["- *.html", "- *.js", "- *.css", "- *.jpg", "- *.png", "- *.svg"],
      keys: { "readme.md": true, "a/b.js": false, "x.svg": false, "index.html": false },
    },
    {
      says: "--exclude 'dir/*': everything below dir at the root, at any depth",
      rules: ["- dir/*"],
      keys: { "dir/a": false, "dir/sub/b": false, "other/dir/a": true, dir: true, "dirx/a": true },
    },
    {
      says: "the last match decides",
      rules: ["- secret/*", "+ *.txt"],
      keys: { "secret/a.txt": true, "secret/a.bin": false },
    },
    {
      says: "the last match decides (reversed)",
      rules: ["+ *.txt", "- secret/*"],
      keys: { "secret/a.txt": false, "a.txt": true },
    },
  ]);
});
