/**
 * End to end through the BUILT `ferry` binary (apps/cli/dist/bin.js) against the s3rver that
 * tooling/test-servers started: local → S3 → local round trips, S3 → S3 server-side copies,
 * the --delete / --max-delete guard, --dry-run, ls and check.
 *
 * Run: node tooling/test-servers/bin/with-servers.mjs --only s3 -- npx vitest run --root adapters/s3 test/e2e-cli.test.ts
 * A missing build or a missing server fails these tests; they never skip.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { randomBytes } from "node:crypto";
import { ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createBucket, rawClient, removeBucket, s3Server } from "./server.js";

const here = dirname(fileURLToPath(import.meta.url));
const BIN = join(here, "..", "..", "..", "apps", "cli", "dist", "bin.js");

// ---------------------------------------------------------------------------------------------
// running the binary

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Records every HTTP request the child makes (method, path, copy source) through
 * diagnostics_channel, so a test can tell a server-side copy or a multipart upload from the
 * outside without any hook in ferry itself.
 */
const TRACER = `
const dc = require("node:diagnostics_channel");
const fs = require("node:fs");
const out = process.env.E2E_HTTP_TRACE;
dc.subscribe("http.client.request.start", ({ request }) => {
  const copy = request.getHeader("x-amz-copy-source");
  fs.appendFileSync(out, JSON.stringify({ method: request.method, path: request.path, copySource: copy === undefined ? null : String(copy) }) + "\\n");
});
`;

interface TracedRequest {
  method: string;
  path: string;
  copySource: string | null;
}

let work = "";

/** The child's environment: none of the developer's FERRY_/AWS_ settings, only the server's keys. */
function childEnv(extra: Record<string, string> = {}): Record<string, string> {
  const s = s3Server();
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined || k.startsWith("FERRY_") || k.startsWith("AWS_") || k.startsWith("AZURE_") || k === "NODE_OPTIONS") continue;
    env[k] = v;
  }
  return {
    ...env,
    CI: "true",
    XDG_CONFIG_HOME: join(work, "no-config"),
    AWS_CONFIG_FILE: join(work, "no-aws-config"),
    AWS_SHARED_CREDENTIALS_FILE: join(work, "no-aws-credentials"),
    AWS_EC2_METADATA_DISABLED: "true",
    AWS_ACCESS_KEY_ID: s.accessKeyId,
    AWS_SECRET_ACCESS_KEY: s.secretAccessKey,
    AWS_REGION: s.region,
    ...extra,
  };
}

function ferry(args: string[], options: { trace?: string; timeoutMs?: number } = {}): Promise<Run> {
  const nodeArgs = options.trace ? ["--require", join(work, "http-trace.cjs")] : [];
  const env = childEnv(options.trace ? { E2E_HTTP_TRACE: options.trace } : {});
  const withEndpoint = args[0] === "ls" || args.some((a) => a.startsWith("s3://")) ? [...args, "--s3-endpoint", s3Server().endpoint] : args;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, BIN, ...withEndpoint], { cwd: work, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 45_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const lines = (text: string) => text.split("\n").filter((l) => l !== "");
const events = (r: Run) => lines(r.stdout).map((l) => JSON.parse(l) as Record<string, unknown>);
const ofType = (r: Run, type: string) => events(r).filter((e) => e.type === type);
function summary(r: Run): Record<string, unknown> {
  const last = events(r).at(-1);
  expect(last?.type, r.stdout + r.stderr).toBe("summary");
  return last!;
}
/** A sync that must succeed: exit 0, nothing on stderr in --json mode (no warnings either). */
async function syncJson(args: string[], trace?: string): Promise<Run> {
  const r = await ferry(["sync", ...args, "--json", "--no-progress"], trace ? { trace } : {});
  expect(r.code, r.stderr + r.stdout.slice(-2000)).toBe(0);
  expect(r.stderr).toBe("");
  return r;
}
function traced(file: string): TracedRequest[] {
  return existsSync(file) ? lines(readFileSync(file, "utf8")).map((l) => JSON.parse(l) as TracedRequest) : [];
}

// ---------------------------------------------------------------------------------------------
// trees

const MiB = 1024 * 1024;
const BIG = "big/twenty mib.bin";
/** keys → sizes (the big one is random bytes; the rest short text or empty) */
const TREE: Record<string, number> = {
  "plain.txt": 12,
  "with space.txt": 40,
  "plus+sign.txt": 7,
  "hash#tag.txt": 9,
  "100% sure.txt": 3,
  "ünïcödé/日本語 ファイル.txt": 30,
  "emoji 🚀/rocket.txt": 5,
  "nested/a/b/c/leaf.txt": 21,
  "nested/a/sibling.md": 17,
  "empty.txt": 0,
  [BIG]: 20 * MiB + 12345,
};
const KEYS = Object.keys(TREE).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));

/** Writes the tree with distinct past mtimes that have millisecond (and finer) fractions. */
function writeTree(root: string, tree: Record<string, number>): void {
  let i = 0;
  for (const [key, size] of Object.entries(tree)) {
    const path = join(root, key);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, size > 1024 ? randomBytes(size) : Buffer.from(`${key}:`.repeat(size)).subarray(0, size));
    const mtime = 1_600_000_000.123 + i++ * 86_400.457;
    utimesSync(path, mtime, mtime);
  }
}

function files(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else out.push(relative(root, path).split("\\").join("/"));
    }
  };
  walk(root);
  return out.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
}

/** Same keys, same bytes, mtimes within 1 ms. */
function expectSameTree(actual: string, expected: string): void {
  expect(files(actual)).toEqual(files(expected));
  for (const key of files(expected)) {
    const a = readFileSync(join(actual, key));
    const e = readFileSync(join(expected, key));
    expect(a.equals(e), `${key}: content differs`).toBe(true);
    expect(Math.abs(statSync(join(actual, key)).mtimeMs - statSync(join(expected, key)).mtimeMs), `${key}: mtime`).toBeLessThanOrEqual(1);
  }
}

// ---------------------------------------------------------------------------------------------

describe("ferry CLI ↔ S3 (built binary, s3rver)", () => {
  let admin: S3Client | undefined;
  let bucket = "";
  let bucket2 = "";
  let src = "";
  let uploaded: Promise<Run> | undefined;

  // a missing build or server fails every test here (reported per test, never as skipped)
  let setupError: unknown;
  beforeAll(async () => {
    try {
      if (!existsSync(BIN)) throw new Error(`${BIN} is missing: build the CLI first (cd /work/main && pnpm exec turbo run build)`);
      s3Server(); // fails here, naming the variable, when the test server is not running
      work = mkdtempSync(join(tmpdir(), "ferry-s3-e2e-"));
      writeFileSync(join(work, "http-trace.cjs"), TRACER);
      admin = rawClient();
      bucket = await createBucket(admin, "e2e");
      bucket2 = await createBucket(admin, "e2e2");
      src = join(work, "src");
      writeTree(src, TREE);
    } catch (e) {
      setupError = e;
    }
  });
  beforeEach(() => {
    if (setupError) throw setupError;
  });

  afterAll(async () => {
    if (admin) {
      for (const b of [bucket, bucket2]) if (b) await removeBucket(admin, b).catch(() => {});
      admin.destroy();
    }
    if (work) rmSync(work, { recursive: true, force: true });
  });

  /** `key etag` of every object under `prefix`, straight from the server (not through ferry). */
  const objects = async (prefix: string): Promise<string[]> => {
    const page = await admin!.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
    return (page.Contents ?? []).map((o) => `${o.Key} ${o.ETag}`);
  };

  /** The first leg (local → s3://bucket/rt/), run once and shared by the tests that need it. */
  const upload = () => (uploaded ??= syncJson(["src", `s3://${bucket}/rt/`, "--multipart-threshold", "8M"], join(work, "trace-upload.ndjson")));

  it("local → S3 → local is byte-identical with mtimes kept; re-running either leg transfers nothing", async () => {
    const up = await upload();
    expect(ofType(up, "transfer").map((e) => e.key).sort()).toEqual([...KEYS].sort());
    expect(ofType(up, "transfer").every((e) => e.op === "upload" && e.serverSide === undefined)).toBe(true);
    expect(summary(up)).toMatchObject({ outcome: "success", transferred: KEYS.length, failed: 0, exitCode: 0 });
    // the 20 MiB file went through the multipart path: one CreateMultipartUpload, 3 parts of 8 MiB
    const requests = traced(join(work, "trace-upload.ndjson"));
    const bigPath = `/${bucket}/rt/${BIG.split("/").map(encodeURIComponent).join("/")}`;
    expect(requests.filter((q) => q.method === "POST" && q.path.startsWith(`${bigPath}?uploads`))).toHaveLength(1);
    expect(requests.filter((q) => q.method === "PUT" && q.path.startsWith(bigPath) && q.path.includes("partNumber="))).toHaveLength(3);

    const upAgain = await syncJson(["src", `s3://${bucket}/rt/`, "--multipart-threshold", "8M"]);
    expect(ofType(upAgain, "transfer")).toEqual([]);
    expect(summary(upAgain)).toMatchObject({ transferred: 0, skipped: KEYS.length, foundSrc: KEYS.length, foundDst: KEYS.length });

    const down = await syncJson([`s3://${bucket}/rt/`, "back"]);
    expect(ofType(down, "transfer").every((e) => e.op === "download")).toBe(true);
    expect(summary(down)).toMatchObject({ transferred: KEYS.length, failed: 0 });
    expectSameTree(join(work, "back"), src);

    const downAgain = await syncJson([`s3://${bucket}/rt/`, "back"]);
    expect(summary(downAgain)).toMatchObject({ transferred: 0, skipped: KEYS.length });

    // the plain summary says the same
    const plain = await ferry(["sync", "src", `s3://${bucket}/rt/`]);
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stdout).toBe("");
    expect(plain.stderr).toMatch(/Transferred:\s+0 files/);
  });

  it("S3 → S3 between two prefixes and two buckets copies server-side, keeping mtimes", async () => {
    await upload();
    for (const dst of [`s3://${bucket}/rt-copy/`, `s3://${bucket2}/rt/`]) {
      const trace = join(work, `trace-copy-${dst.replace(/\W+/g, "_")}.ndjson`);
      const r = await syncJson([`s3://${bucket}/rt/`, dst], trace);
      const transfers = ofType(r, "transfer");
      expect(transfers.map((e) => e.key).sort()).toEqual([...KEYS].sort());
      for (const t of transfers) expect(t).toMatchObject({ op: "copy", serverSide: true, from: "src", to: "dst" });
      // from the outside: one CopyObject per key and no object body read (GETs are listings only)
      const requests = traced(trace);
      expect(requests.filter((q) => q.copySource !== null)).toHaveLength(KEYS.length);
      expect(requests.filter((q) => q.method === "GET" && !q.path.includes("list-type=2"))).toEqual([]);
      expect(requests.filter((q) => q.method === "PUT" && q.copySource === null)).toEqual([]);

      const again = await syncJson([`s3://${bucket}/rt/`, dst]);
      expect(summary(again)).toMatchObject({ transferred: 0, skipped: KEYS.length });
      // the copies carry the source mtimes: an explicit size-mtime check against the local tree agrees
      const check = await ferry(["check", "src", dst, "--compare", "size-mtime"]);
      expect(check.code, check.stdout + check.stderr).toBe(0);
    }
  });

  it("--delete refuses a plan deleting more than 50% (exit 4, nothing changed); --max-delete 100% and --force go through", async () => {
    const full = join(work, "del-full");
    const few = join(work, "del-few");
    const tenKeys = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`k${i}.txt`, 4]));
    writeTree(full, tenKeys);
    writeTree(few, Object.fromEntries(Object.entries(tenKeys).slice(0, 3)));
    writeFileSync(join(few, "new.txt"), "new\n");

    for (const [prefix, override, json] of [
      ["del-a/", ["--max-delete", "100%"], false],
      ["del-b/", ["--force"], true],
    ] as const) {
      const dst = `s3://${bucket}/${prefix}`;
      await syncJson(["del-full", dst]);
      const before = await objects(prefix);
      expect(before).toHaveLength(10);

      const refused = await ferry(["sync", "del-few", dst, "--delete", ...(json ? ["--json"] : [])]);
      expect(refused.code, refused.stderr).toBe(4);
      if (json) expect(summary(refused)).toMatchObject({ outcome: "refused", deleted: 0, transferred: 0, toDelete: 7, exitCode: 4 });
      else {
        expect(refused.stderr).toMatch(/refused: the plan would delete 7 keys, more than --max-delete 50%/);
        expect(refused.stdout).toBe("");
      }
      // nothing changed: no delete, and not the upload of new.txt either
      expect(await objects(prefix)).toEqual(before);

      const forced = await syncJson(["del-few", dst, "--delete", ...override]);
      expect(summary(forced)).toMatchObject({ outcome: "success", deleted: 7, transferred: 1 });
      expect(ofType(forced, "delete").map((e) => e.key).sort()).toEqual(["k3.txt", "k4.txt", "k5.txt", "k6.txt", "k7.txt", "k8.txt", "k9.txt"]);
      expect((await objects(prefix)).map((l) => l.split(" ")[0])).toEqual([`${prefix}k0.txt`, `${prefix}k1.txt`, `${prefix}k2.txt`, `${prefix}new.txt`]);
    }
  });

  it("--dry-run prints (dryrun) lines and changes nothing; ls lists; check exits 0 / 1", async () => {
    const misc = join(work, "misc");
    writeTree(misc, { "a.txt": 5, "sp ace/b+c#d.txt": 8, "ü/e.txt": 0 });
    const dst = `s3://${bucket}/misc/`;

    const dry = await ferry(["sync", "misc", dst, "--dry-run"]);
    expect(dry.code, dry.stderr).toBe(0);
    expect(lines(dry.stdout).sort()).toEqual(
      ["a.txt", "sp ace/b+c#d.txt", "ü/e.txt"].map((k) => `(dryrun) upload: misc/${k} to s3://${bucket}/misc/${k}`).sort(),
    );
    expect(dry.stderr).toMatch(/Would transfer:\s+3 files, 13 B/);
    expect(await objects("misc/")).toEqual([]);

    await syncJson(["misc", dst]);
    const ls = await ferry(["ls", dst, "-R"]);
    expect(ls.code, ls.stderr).toBe(0);
    expect(lines(ls.stdout).map((l) => l.trim().replace(/^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)?\s*\d+ /, ""))).toEqual(["a.txt", "sp ace/b+c#d.txt", "ü/e.txt"]);
    const lsJson = await ferry(["ls", dst, "-R", "--json"]);
    expect(ofType(lsJson, "entry").map((e) => [e.key, e.size])).toEqual([
      ["a.txt", 5],
      ["sp ace/b+c#d.txt", 8],
      ["ü/e.txt", 0],
    ]);
    // without -R: the top level, with the folders as prefixes
    const top = await ferry(["ls", dst]);
    expect(top.code, top.stderr).toBe(0);
    expect(top.stdout).toContain("a.txt");
    expect(top.stdout).toMatch(/PRE sp ace\//);

    const same = await ferry(["check", "misc", dst]);
    expect(same.code, same.stdout + same.stderr).toBe(0);

    // a changed file, a new file: a dry run names both and still changes nothing
    writeFileSync(join(misc, "a.txt"), "longer now");
    writeFileSync(join(misc, "new one.txt"), "n");
    const before = await objects("misc/");
    const dry2 = await ferry(["sync", "misc", dst, "--dryrun", "--delete"]);
    expect(dry2.code, dry2.stderr).toBe(0);
    expect(lines(dry2.stdout).sort()).toEqual([`(dryrun) upload: misc/a.txt to ${dst}a.txt`, `(dryrun) upload: misc/new one.txt to ${dst}new one.txt`]);
    expect(await objects("misc/")).toEqual(before);

    const diff = await ferry(["check", "misc", dst]);
    expect(diff.code, diff.stderr).toBe(1);
    expect(diff.stdout).toContain(`differ: misc/a.txt and ${dst}a.txt`);
    expect(diff.stdout).toContain(`only in src: misc/new one.txt`);
    const diffJson = await ferry(["check", "misc", dst, "--json"]);
    expect(diffJson.code).toBe(1);
    expect(ofType(diffJson, "difference").map((e) => [e.key, e.kind]).sort()).toEqual([
      ["a.txt", "differ"],
      ["new one.txt", "missing-on-dst"],
    ]);
  });
});
