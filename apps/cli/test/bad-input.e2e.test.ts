import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { assertBuilt, ferry, HIDE_PACKAGE, scratch, treeSnapshot } from "./binary.js";

interface Scratch {
  dir: string;
  src: string;
  dst: string;
}

interface BadInput {
  name: string;
  args: (s: Scratch) => string[];
  code: 2 | 3;
  message: RegExp;
  env?: (s: Scratch) => Record<string, string>;
  nodeArgs?: string[];
  setup?: (s: Scratch) => void;
}

const goodConfig = (s: Scratch) => {
  const path = join(s.dir, "config.json");
  writeFileSync(path, JSON.stringify({ remotes: { backup: { type: "local", path: s.dst }, dav: { type: "webdav", url: "http://127.0.0.1:1/dav", password: "$DAV_PASS" } } }));
  return path;
};

/** SPEC §13: every malformed invocation → exit 2 (3 when a location is missing), one line, nothing written. */
const CASES: BadInput[] = [
  { name: "unknown flag", args: (s) => ["sync", s.src, s.dst, "--frobnicate"], code: 2, message: /unknown option '--frobnicate'/ },
  { name: "unknown flag with a suggestion", args: (s) => ["sync", s.src, s.dst, "--dleete"], code: 2, message: /unknown option '--dleete'.*Did you mean --delete/ },
  { name: "unknown command", args: () => ["synk", "a", "b"], code: 2, message: /unknown command 'synk'/ },
  { name: "no command", args: () => [], code: 2, message: /no command given/ },
  { name: "missing DST", args: (s) => ["sync", s.src], code: 2, message: /missing required argument 'dst'/ },
  { name: "too many arguments", args: (s) => ["sync", s.src, s.dst, "extra"], code: 2, message: /too many arguments/ },
  { name: "unknown scheme", args: (s) => ["sync", s.src, "s4://bucket/p"], code: 2, message: /unknown scheme "s4:\/\/"/ },
  { name: "URL without bucket", args: (s) => ["sync", s.src, "s3://"], code: 2, message: /names no bucket/ },
  { name: "malformed URL", args: (s) => ["sync", s.src, "webdav://host:99999/x"], code: 2, message: /malformed URL/ },
  { name: "sftp connections not a count", args: (s) => ["sync", s.src, "sftp://me@127.0.0.1:1/x", "--sftp-connections", "0"], code: 2, message: /--sftp-connections must be a whole number/ },
  { name: "unknown webdav vendor", args: (s) => ["sync", s.src, "webdav://127.0.0.1:1/x", "--webdav-vendor", "foo"], code: 2, message: /webdav-vendor/ },
  { name: "bad size", args: (s) => ["sync", s.src, s.dst, "--min-size", "10parsecs"], code: 2, message: /invalid size "10parsecs" for --min-size/ },
  { name: "bad age", args: (s) => ["sync", s.src, s.dst, "--max-age", "soon"], code: 2, message: /invalid age "soon" for --max-age/ },
  { name: "bad duration", args: (s) => ["sync", s.src, s.dst, "--modify-window", "forever"], code: 2, message: /invalid duration "forever"/ },
  { name: "percentage over 100", args: (s) => ["sync", s.src, s.dst, "--delete", "--max-delete", "150%"], code: 2, message: /invalid value "150%" for --max-delete/ },
  { name: "bad count", args: (s) => ["sync", s.src, s.dst, "--delete", "--max-delete", "lots"], code: 2, message: /invalid value "lots" for --max-delete/ },
  { name: "bad bandwidth", args: (s) => ["sync", s.src, s.dst, "--bwlimit", "fast"], code: 2, message: /invalid bandwidth limit "fast"/ },
  { name: "zero transfers", args: (s) => ["sync", s.src, s.dst, "--transfers", "0"], code: 2, message: /--transfers: expected a whole number of at least 1|for --transfers: expected a whole number of at least 1/ },
  { name: "non-numeric transfers from env", args: (s) => ["sync", s.src, s.dst], env: () => ({ FERRY_TRANSFERS: "many" }), code: 2, message: /for FERRY_TRANSFERS/ },
  { name: "bad boolean in env", args: (s) => ["sync", s.src, s.dst], env: () => ({ FERRY_DELETE: "perhaps" }), code: 2, message: /FERRY_DELETE: expected true or false/ },
  { name: "copy --delete", args: (s) => ["copy", s.src, s.dst, "--delete"], code: 2, message: /ferry copy never deletes/ },
  { name: "move --prune", args: (s) => ["move", s.src, s.dst, "--prune"], code: 2, message: /ferry move never deletes/ },
  { name: "unknown mode", args: (s) => ["sync", s.src, s.dst, "--mode", "sideways"], code: 2, message: /invalid value "sideways" for --mode: use one of/ },
  { name: "mode that never deletes with --delete", args: (s) => ["sync", s.src, s.dst, "--mode", "copy", "--delete"], code: 2, message: /never deletes/ },
  { name: "unknown comparison", args: (s) => ["sync", s.src, s.dst, "--compare", "fuzzy"], code: 2, message: /invalid value "fuzzy" for --compare/ },
  { name: "--size-only with --checksum", args: (s) => ["sync", s.src, s.dst, "--size-only", "--checksum"], code: 2, message: /pick different comparisons/ },
  { name: "--update with --ignore-times", args: (s) => ["sync", s.src, s.dst, "--update", "--ignore-times"], code: 2, message: /--update conflicts with --ignore-times/ },
  { name: "two delete timings", args: (s) => ["sync", s.src, s.dst, "--delete", "--delete-before", "--delete-during"], code: 2, message: /pick one moment to delete/ },
  { name: "--delete-excluded without --delete", args: (s) => ["sync", s.src, s.dst, "--delete-excluded"], code: 2, message: /only makes sense when deleting/ },
  { name: "--quiet with --verbose", args: (s) => ["sync", s.src, s.dst, "--quiet", "--verbose"], code: 2, message: /--quiet conflicts with --verbose/ },
  { name: "empty key range", args: (s) => ["sync", s.src, s.dst, "--start", "z", "--end", "a"], code: 2, message: /key range is empty/ },
  { name: "bad metadata", args: (s) => ["sync", s.src, s.dst, "--metadata", "novalue"], code: 2, message: /expected key=value/ },
  { name: "cluster flag without --queue", args: (s) => ["sync", s.src, s.dst, "--min-workers", "2"], code: 2, message: /--min-workers needs --queue/ },
  { name: "DST inside SRC", args: (s) => ["sync", s.src, join(s.src, "backup")], code: 2, message: /overlap: DST is inside SRC/ },
  { name: "SRC inside DST", args: (s) => ["sync", join(s.dir, "src", "sub"), s.src], code: 2, message: /overlap: SRC is inside DST/ },
  { name: "SRC is DST", args: (s) => ["sync", s.src, `${s.src}/`], code: 2, message: /are the same folder/ },
  { name: "missing local source", args: (s) => ["sync", join(s.dir, "nope"), s.dst], code: 3, message: /source .*nope does not exist/ },
  { name: "source is a file", args: (s) => ["sync", join(s.src, "a.txt"), s.dst], code: 2, message: /is a file, not a folder/ },
  { name: "unreadable filter file", args: (s) => ["sync", s.src, s.dst, "--filter-from", join(s.dir, "missing-rules.txt")], code: 2, message: /--filter-from .*missing-rules\.txt: cannot read the file \(no such file\)/ },
  { name: "unreadable files-from", args: (s) => ["sync", s.src, s.dst, "--files-from", s.dir], code: 2, message: /--files-from .*: cannot read the file \(is a directory\)/ },
  { name: "bad config JSON", setup: (s) => writeFileSync(join(s.dir, "bad.json"), "{ remotes: "), args: (s) => ["sync", s.src, "backup:x", "--config", join(s.dir, "bad.json")], code: 2, message: /config file .*bad\.json: invalid JSON/ },
  { name: "config schema error", setup: (s) => writeFileSync(join(s.dir, "bad.json"), JSON.stringify({ remotes: { backup: { type: "s3" } } })), args: (s) => ["sync", s.src, "backup:x", "--config", join(s.dir, "bad.json")], code: 2, message: /remotes\.backup\.bucket: Required/ },
  { name: "missing config file", args: (s) => ["sync", s.src, "backup:x", "--config", join(s.dir, "none.json")], code: 2, message: /config file .*none\.json: cannot read it/ },
  { name: "unknown named remote", setup: goodConfig, args: (s) => ["sync", s.src, "nosuch:x", "--config", join(s.dir, "config.json")], code: 2, message: /unknown remote "nosuch"/ },
  { name: "remote secret not in env", setup: goodConfig, args: (s) => ["sync", s.src, "dav:x", "--config", join(s.dir, "config.json")], code: 2, message: /password refers to \$DAV_PASS, which is not set/ },
  { name: "adapter flag without its adapter", args: (s) => ["sync", s.src, s.dst, "--s3-endpoint", "http://localhost:9000"], code: 2, message: /--s3-endpoint is not supported by local/ },
  { name: "attribute the destination cannot keep", args: (s) => ["sync", s.src, s.dst, "--acl", "private"], code: 2, message: /local adapter cannot keep acl/ },
  {
    name: "adapter package not installed",
    nodeArgs: ["--import", HIDE_PACKAGE],
    env: () => ({ FERRY_TEST_HIDE_PACKAGE: "@ferry/adapter-sftp" }),
    args: (s) => ["sync", s.src, "sftp://me@127.0.0.1:1/x"],
    code: 2,
    message: /sftp adapter is not installed|@ferry\/adapter-sftp/,
  },
  { name: "unknown completion shell", args: () => ["completion", "tcsh"], code: 2, message: /unknown shell "tcsh"/ },
  { name: "missing plan file", args: (s) => ["apply", join(s.dir, "plan.json")], code: 2, message: /plan file .*plan\.json: cannot read it/ },
  { name: "not a plan", setup: (s) => writeFileSync(join(s.dir, "plan.json"), "[1,2]"), args: (s) => ["apply", join(s.dir, "plan.json")], code: 2, message: /not a ferry plan/ },
  { name: "ls with unknown scheme", args: () => ["ls", "s4://b"], code: 2, message: /unknown scheme/ },
  { name: "bisync with an unknown conflict policy", args: (s) => ["bisync", s.src, s.dst, "--conflict", "coinflip"], code: 2, message: /invalid value "coinflip" for --conflict/ },
  { name: "worker without --queue", args: () => ["worker"], code: 2, message: /needs --queue/ },
];

describe("bad input (built binary)", () => {
  beforeAll(() => assertBuilt());

  it("has at least 30 cases", () => {
    expect(CASES.length).toBeGreaterThanOrEqual(30);
  });

  for (const c of CASES) {
    it(`${c.name} → exit ${c.code}`, () => {
      const s = scratch();
      c.setup?.(s);
      const before = treeSnapshot(s.dir);
      const r = ferry(c.args(s), { cwd: s.dir, ...(c.env ? { env: c.env(s) } : {}), ...(c.nodeArgs ? { nodeArgs: c.nodeArgs } : {}) });
      const lines = r.stderr.split("\n").filter((l) => l.trim() !== "");
      expect(r.code, r.stderr).toBe(c.code);
      expect(lines[0], r.stderr).toMatch(/^ferry: error: /);
      expect(lines[0]).toMatch(c.message);
      expect(lines.length, r.stderr).toBeLessThanOrEqual(2);
      if (lines[1] !== undefined) expect(lines[1]).toMatch(/^hint: /);
      expect(r.stderr).not.toMatch(/^\s+at /m);
      expect(r.stdout).toBe("");
      expect(treeSnapshot(s.dir)).toEqual(before);
    });
  }
});
