import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { assertBuilt, ferry, scratch, treeSnapshot } from "./binary.js";

const KEYS = ["a.txt", "b.log", "empty.txt", "sub/c.txt", "sub/deep/d e.txt"];
const lines = (text: string) => text.split("\n").filter((l) => l !== "");

describe("end to end on real trees (built binary)", () => {
  beforeAll(() => assertBuilt());

  it("sync in plain mode prints aws-style lines and a summary; a re-run transfers nothing", () => {
    const s = scratch();
    const r = ferry(["sync", "src", "dst"], { cwd: s.dir });
    expect(r.code, r.stderr).toBe(0);
    expect(lines(r.stdout).sort()).toEqual(KEYS.map((k) => `copy: src/${k} to dst/${k}`).sort());
    expect(r.stderr).toMatch(/Transferred:\s+5 files, 41 B/);
    expect(r.stderr).toMatch(/Found:\s+5 src, 0 dst/);
    expect(treeSnapshot(s.dst)).toEqual(treeSnapshot(s.src));

    const again = ferry(["sync", "src", "dst"], { cwd: s.dir });
    expect(again.code).toBe(0);
    expect(again.stdout).toBe("");
    expect(again.stderr).toMatch(/Transferred:\s+0 files/);
    expect(again.stderr).toMatch(/Skipped:\s+5/);
  });

  it("--delete removes extra keys but keeps excluded ones; -v shows skips", () => {
    const s = scratch();
    expect(ferry(["sync", "src", "dst"], { cwd: s.dir }).code).toBe(0);
    writeFileSync(join(s.dst, "extra.txt"), "x");
    writeFileSync(join(s.dst, "keep.log"), "x");
    const r = ferry(["sync", "src", "dst", "--delete", "--exclude", "*.log", "-v", "--max-delete", "100%"], { cwd: s.dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("delete: dst/extra.txt");
    expect(r.stdout).toContain("skip: src/a.txt (identical)");
    expect(existsSync(join(s.dst, "extra.txt"))).toBe(false);
    expect(existsSync(join(s.dst, "keep.log"))).toBe(true);
  });

  it("--dry-run prints the plan and writes nothing", () => {
    const s = scratch();
    const r = ferry(["sync", "src", "dst", "--dryrun"], { cwd: s.dir });
    expect(r.code, r.stderr).toBe(0);
    expect(lines(r.stdout).sort()).toEqual(KEYS.map((k) => `(dryrun) copy: src/${k} to dst/${k}`).sort());
    expect(r.stderr).toMatch(/Would transfer:\s+5 files/);
    expect(treeSnapshot(s.dst)).toEqual({});
  });

  it("--json prints one event per line with the summary last", () => {
    const s = scratch();
    const r = ferry(["sync", "src", "dst", "--json"], { cwd: s.dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe("");
    const events = lines(r.stdout).map((l) => JSON.parse(l) as Record<string, unknown>);
    const transfers = events.filter((e) => e.type === "transfer");
    expect(transfers.map((e) => e.key).sort()).toEqual([...KEYS].sort());
    expect(transfers[0]).toMatchObject({ op: "copy", from: "src", to: "dst", reason: "new", dryRun: false });
    expect(events.filter((e) => e.type === "plan")).toHaveLength(5);
    expect(events.at(-1)).toMatchObject({ type: "summary", outcome: "success", transferred: 5, transferredBytes: 41, failed: 0, exitCode: 0 });
  });

  it("refuses a plan deleting too much (exit 4) and deletes nothing", () => {
    const s = scratch();
    for (let i = 0; i < 10; i++) writeFileSync(join(s.dst, `old-${i}.txt`), "old");
    const before = treeSnapshot(s.dst);
    const r = ferry(["sync", "src", "dst", "--delete"], { cwd: s.dir });
    expect(r.code, r.stderr).toBe(4);
    expect(r.stderr).toMatch(/refused|max-delete|--force/);
    expect(Object.keys(treeSnapshot(s.dst)).filter((k) => k.startsWith("old-"))).toEqual(Object.keys(before));
  });

  it("copy never deletes; move removes the source keys", () => {
    const s = scratch();
    writeFileSync(join(s.dst, "extra.txt"), "x");
    expect(ferry(["copy", "src", "dst"], { cwd: s.dir }).code).toBe(0);
    expect(existsSync(join(s.dst, "extra.txt"))).toBe(true);
    const m = scratch();
    const r = ferry(["move", "src", "dst"], { cwd: m.dir });
    expect(r.code, r.stderr).toBe(0);
    expect(lines(r.stdout).sort()).toEqual(KEYS.map((k) => `move: src/${k} to dst/${k}`).sort());
    expect(Object.keys(treeSnapshot(m.src)).filter((k) => !k.endsWith("/"))).toEqual([]);
    expect(readFileSync(join(m.dst, "a.txt"), "utf8")).toBe("alpha\n");
  });

  it("check exits 0 when identical and 1 with the differences", () => {
    const s = scratch();
    ferry(["sync", "src", "dst"], { cwd: s.dir });
    const same = ferry(["check", "src", "dst"], { cwd: s.dir });
    expect(same.code, same.stderr).toBe(0);
    writeFileSync(join(s.dst, "a.txt"), "changed, longer\n");
    writeFileSync(join(s.dst, "only-dst.txt"), "x");
    const diff = ferry(["check", "src", "dst"], { cwd: s.dir });
    expect(diff.code, diff.stderr).toBe(1);
    expect(diff.stdout).toMatch(/differ: src\/a\.txt and dst\/a\.txt/);
    expect(diff.stdout).toContain("only in dst: dst/only-dst.txt");
    const json = ferry(["check", "src", "dst", "--json"], { cwd: s.dir });
    const events = lines(json.stdout).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(events.filter((e) => e.type === "difference").map((e) => e.kind).sort()).toEqual(["differ", "missing-on-src"]);
    expect(events.at(-1)).toMatchObject({ type: "summary", exitCode: 1 });
  });

  it("plan --out saves a plan that apply carries out", () => {
    const s = scratch();
    const plan = join(s.dir, "plan.json");
    const p = ferry(["plan", "src", "dst", "--out", plan], { cwd: s.dir });
    expect(p.code, p.stderr).toBe(0);
    expect(lines(p.stdout)).toHaveLength(5);
    expect(p.stderr).toContain(`plan saved to ${plan}`);
    expect(treeSnapshot(s.dst)).toEqual({});
    const a = ferry(["apply", plan], { cwd: s.dir });
    expect(a.code, a.stderr).toBe(0);
    expect(readFileSync(join(s.dst, "sub", "deep", "d e.txt"), "utf8")).toBe("delta with space\n");
  });

  it("plan --explain tells which rule decided a key", () => {
    const s = scratch();
    const r = ferry(["plan", "src", "dst", "--exclude", "*.log", "--explain", "b.log"], { cwd: s.dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^b\.log: excluded/);
    expect(r.stdout).toContain("*.log");
  });

  it("ls lists keys aws-style and as JSON", () => {
    const s = scratch();
    const r = ferry(["ls", "-R", "src"], { cwd: s.dir, env: { TZ: "UTC" } });
    expect(r.code, r.stderr).toBe(0);
    expect(lines(r.stdout).map((l) => l.slice(31))).toEqual(expect.arrayContaining(["a.txt", "sub/deep/d e.txt"]));
    expect(lines(r.stdout)[0]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s+6 a\.txt$/);
    const j = ferry(["ls", "-R", "src", "--json"], { cwd: s.dir });
    const entries = lines(j.stdout).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(entries.find((e) => e.key === "sub/c.txt")).toMatchObject({ type: "entry", kind: "file", size: 8 });
  });

  it("adapters, completion, check-config, --version and --help work", () => {
    const s = scratch();
    const a = ferry(["adapters"]);
    expect(a.code, a.stderr).toBe(0);
    expect(a.stdout).toMatch(/^local\s+file\s+@ferry\/adapter-local\s+installed/m);
    for (const shell of ["bash", "zsh", "fish"]) {
      const c = ferry(["completion", shell]);
      expect(c.code).toBe(0);
      expect(c.stdout).toContain("--delete");
      // every command's own flags, though a run registers only the flags of the command it runs
      for (const flag of ["conflict", "concurrency", "summarize"]) expect(c.stdout, `${shell} ${flag}`).toMatch(new RegExp(`(--|-l )${flag}\\b`));
    }
    const config = join(s.dir, "config.json");
    writeFileSync(config, JSON.stringify({ remotes: { backup: { type: "local", path: s.dst }, cloud: { type: "s3", bucket: "b", secretAccessKey: "$NOT_SET_HERE", accessKeyId: "$NOT_SET_EITHER" } } }));
    const cc = ferry(["check-config", "--config", config]);
    expect(cc.code, cc.stderr).toBe(0);
    expect(cc.stdout).toContain("valid, 2 remotes");
    expect(cc.stderr).toContain("$NOT_SET_HERE");
    const viaRemote = ferry(["sync", "src", "backup:", "--config", config], { cwd: s.dir });
    expect(viaRemote.code, viaRemote.stderr).toBe(0);
    expect(viaRemote.stdout).toContain("copy: src/a.txt to backup:a.txt");
    expect(ferry(["--version"]).stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    for (const cmd of ["sync", "copy", "move", "bisync", "check", "ls", "plan", "apply", "worker", "adapters", "completion", "check-config"]) {
      const h = ferry([cmd, "--help"]);
      expect(h.code, cmd).toBe(0);
      expect(h.stdout, cmd).toContain("Examples:");
      expect(h.stdout, cmd).toContain("--debug");
    }
    expect(ferry(["sync", "--help"]).stdout).toContain("--max-delete");
    expect(ferry(["help", "bisync"]).stdout).toContain("--conflict");
    expect(ferry(["--help"]).stdout).toMatch(/^\s+check-config\b/m);
    const typo = ferry(["sync", "src", "dst", "--max-delet", "3"], { cwd: s.dir });
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain("Did you mean --max-delete?");
  });

  it("--debug stack traces name the TypeScript sources, though dist/ is bundled", () => {
    const s = scratch();
    for (const run of [ferry(["sync", "nowhere", "dst", "--debug"], { cwd: s.dir }), ferry(["sync", "nowhere", "dst"], { cwd: s.dir, env: { FERRY_DEBUG: "1" } })]) {
      expect(run.code).toBe(3);
      expect(run.stderr).toMatch(/^debug: +at .*src\/locations\/local-pair\.ts:\d+:\d+/m);
    }
    // without --debug: one error line and a hint, no stack
    expect(ferry(["sync", "nowhere", "dst"], { cwd: s.dir }).stderr.trim().split("\n")).toHaveLength(2);
  });

  it("FERRY_* environment defaults apply", () => {
    const s = scratch();
    const r = ferry(["sync", "src", "dst"], { cwd: s.dir, env: { FERRY_DRY_RUN: "1", FERRY_EXCLUDE: "*.log" } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toContain("b.log");
    expect(r.stdout).toContain("(dryrun) copy: src/a.txt");
    mkdirSync(join(s.dir, "x"));
    expect(treeSnapshot(s.dst)).toEqual({});
  });

  it("bisync carries changes both ways with saved state", () => {
    const s = scratch();
    writeFileSync(join(s.dst, "from-b.txt"), "b side\n");
    const first = ferry(["bisync", "src", "dst", "--state-dir", "state"], { cwd: s.dir });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain("copy: dst/from-b.txt to src/from-b.txt");
    expect(readFileSync(join(s.dst, "a.txt"), "utf8")).toBe("alpha\n");
    writeFileSync(join(s.src, "new.txt"), "n");
    const second = ferry(["bisync", "src", "dst", "--state-dir", "state", "--json"], { cwd: s.dir });
    expect(second.code, second.stderr).toBe(0);
    const events = lines(second.stdout).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(events.filter((e) => e.type === "transfer").map((e) => e.key)).toEqual(["new.txt"]);
    expect(events.at(-1)).toMatchObject({ type: "summary", exitCode: 0 });
  });
});
