/**
 * End to end through the BUILT `ferry` binary (apps/cli/dist/bin.js) against the Azurite that
 * tooling/test-servers started: local → Azure → local round trips and Azure → Azure
 * server-side copies.
 *
 * Run: node tooling/test-servers/bin/with-servers.mjs --only azure -- npx vitest run --root adapters/azure test/e2e-cli.test.ts
 * A missing build or a missing server fails these tests; they never skip.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import type { BlobServiceClient, ContainerClient } from "@azure/storage-blob";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { azureServer, createContainer, rawService } from "./server.js";

const here = dirname(fileURLToPath(import.meta.url));
const BIN = join(here, "..", "..", "..", "apps", "cli", "dist", "bin.js");

// ---------------------------------------------------------------------------------------------
// running the binary

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Records the child's HTTP requests (method, path, copy source) through diagnostics_channel. */
const TRACER = `
const dc = require("node:diagnostics_channel");
const fs = require("node:fs");
const out = process.env.E2E_HTTP_TRACE;
dc.subscribe("http.client.request.start", ({ request }) => {
  const copy = request.getHeader("x-ms-copy-source");
  fs.appendFileSync(out, JSON.stringify({ method: request.method, path: request.path, copySource: copy === undefined ? null : String(copy) }) + "\\n");
});
`;

interface TracedRequest {
  method: string;
  path: string;
  copySource: string | null;
}

let work = "";

/** The child's environment: none of the developer's FERRY_/AWS_/AZURE_ settings, only Azurite's. */
function childEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined || k.startsWith("FERRY_") || k.startsWith("AWS_") || k.startsWith("AZURE_") || k === "NODE_OPTIONS") continue;
    env[k] = v;
  }
  return {
    ...env,
    CI: "true",
    XDG_CONFIG_HOME: join(work, "no-config"),
    AZURE_STORAGE_CONNECTION_STRING: azureServer().connectionString,
    ...extra,
  };
}

function ferry(args: string[], options: { trace?: string; timeoutMs?: number } = {}): Promise<Run> {
  const nodeArgs = options.trace ? ["--require", join(work, "http-trace.cjs")] : [];
  const env = childEnv(options.trace ? { E2E_HTTP_TRACE: options.trace } : {});
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, BIN, ...args], { cwd: work, env, stdio: ["ignore", "pipe", "pipe"] });
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

describe("ferry CLI ↔ Azure Blob (built binary, Azurite)", () => {
  let service: BlobServiceClient | undefined;
  let one: ContainerClient | undefined;
  let two: ContainerClient | undefined;
  let src = "";
  let uploaded: Promise<Run> | undefined;

  // a missing build or server fails every test here (reported per test, never as skipped)
  let setupError: unknown;
  beforeAll(async () => {
    try {
      if (!existsSync(BIN)) throw new Error(`${BIN} is missing: build the CLI first (cd /work/main && pnpm exec turbo run build)`);
      azureServer(); // fails here, naming the variable, when the test server is not running
      work = mkdtempSync(join(tmpdir(), "ferry-azure-e2e-"));
      writeFileSync(join(work, "http-trace.cjs"), TRACER);
      service = rawService();
      one = await createContainer(service, "e2e");
      two = await createContainer(service, "e2e2");
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
    await one?.deleteIfExists().catch(() => {});
    await two?.deleteIfExists().catch(() => {});
    if (work) rmSync(work, { recursive: true, force: true });
  });

  const az = (container: ContainerClient | undefined, prefix: string) => `az://${container!.containerName}/${prefix}`;
  const upload = () => (uploaded ??= syncJson(["src", az(one, "rt/"), "--multipart-threshold", "8M"], join(work, "trace-upload.ndjson")));

  it("local → Azure → local is byte-identical with mtimes kept; re-running either leg transfers nothing", async () => {
    const up = await upload();
    expect(ofType(up, "transfer").map((e) => e.key).sort()).toEqual([...KEYS].sort());
    expect(ofType(up, "transfer").every((e) => e.op === "upload" && e.serverSide === undefined)).toBe(true);
    expect(summary(up)).toMatchObject({ outcome: "success", transferred: KEYS.length, failed: 0, exitCode: 0 });
    // the 20 MiB file was staged as blocks of 8 MiB and committed in one block list
    const requests = traced(join(work, "trace-upload.ndjson"));
    expect(requests.filter((q) => q.method === "PUT" && q.path.includes("comp=block&") && q.path.includes("twenty"))).toHaveLength(3);
    const blocks = await one!.getBlockBlobClient(`rt/${BIG}`).getBlockList("committed");
    expect(blocks.committedBlocks).toHaveLength(3);

    const upAgain = await syncJson(["src", az(one, "rt/"), "--multipart-threshold", "8M"]);
    expect(ofType(upAgain, "transfer")).toEqual([]);
    expect(summary(upAgain)).toMatchObject({ transferred: 0, skipped: KEYS.length, foundSrc: KEYS.length, foundDst: KEYS.length });

    const down = await syncJson([az(one, "rt/"), "back"]);
    expect(ofType(down, "transfer").every((e) => e.op === "download")).toBe(true);
    expect(summary(down)).toMatchObject({ transferred: KEYS.length, failed: 0 });
    expectSameTree(join(work, "back"), src);

    const downAgain = await syncJson([az(one, "rt/"), "back"]);
    expect(summary(downAgain)).toMatchObject({ transferred: 0, skipped: KEYS.length });

    const plain = await ferry(["sync", "src", az(one, "rt/")]);
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stdout).toBe("");
    expect(plain.stderr).toMatch(/Transferred:\s+0 files/);
  });

  it("Azure → Azure between two prefixes and two containers copies server-side, keeping mtimes", async () => {
    await upload();
    for (const [container, prefix] of [
      [one, "rt-copy/"],
      [two, "rt/"],
    ] as const) {
      const dst = az(container, prefix);
      const trace = join(work, `trace-copy-${container!.containerName}.ndjson`);
      const r = await syncJson([az(one, "rt/"), dst], trace);
      const transfers = ofType(r, "transfer");
      expect(transfers.map((e) => e.key).sort()).toEqual([...KEYS].sort());
      for (const t of transfers) expect(t).toMatchObject({ op: "copy", serverSide: true, from: "src", to: "dst" });
      // from the outside: one Copy Blob per key and no blob body read (the only GETs are on the
      // containers: properties and listings)
      const requests = traced(trace);
      expect(requests.filter((q) => q.copySource !== null)).toHaveLength(KEYS.length);
      expect(requests.filter((q) => q.method === "GET" && !q.path.includes("restype=container"))).toEqual([]);

      const again = await syncJson([az(one, "rt/"), dst]);
      expect(summary(again)).toMatchObject({ transferred: 0, skipped: KEYS.length });
      const check = await ferry(["check", "src", dst, "--compare", "size-mtime"]);
      expect(check.code, check.stdout + check.stderr).toBe(0);
    }
  });

  it("--dry-run changes nothing and --delete is guarded by --max-delete", async () => {
    const dst = az(one, "guard/");
    const full = join(work, "guard-full");
    const few = join(work, "guard-few");
    const six = Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`g ${i}.txt`, 3]));
    writeTree(full, six);
    writeTree(few, Object.fromEntries(Object.entries(six).slice(0, 2)));
    const blobs = async () => {
      const out: string[] = [];
      for await (const b of one!.listBlobsFlat({ prefix: "guard/" })) out.push(`${b.name}\t${b.properties.etag}`);
      return out;
    };

    const dry = await ferry(["sync", "guard-full", dst, "--dry-run"]);
    expect(dry.code, dry.stderr).toBe(0);
    expect(lines(dry.stdout).sort()).toEqual(Object.keys(six).map((k) => `(dryrun) upload: guard-full/${k} to ${dst}${k}`).sort());
    expect(await blobs()).toEqual([]);

    await syncJson(["guard-full", dst]);
    const before = await blobs();
    expect(before).toHaveLength(6);
    const refused = await ferry(["sync", "guard-few", dst, "--delete", "--json"]);
    expect(refused.code, refused.stderr).toBe(4);
    expect(summary(refused)).toMatchObject({ outcome: "refused", deleted: 0, toDelete: 4, exitCode: 4 });
    expect(await blobs()).toEqual(before);

    const forced = await syncJson(["guard-few", dst, "--delete", "--max-delete", "100%"]);
    expect(summary(forced)).toMatchObject({ outcome: "success", deleted: 4 });
    expect((await blobs()).map((b) => b.split("\t")[0])).toEqual(["guard/g 0.txt", "guard/g 1.txt"]);
  });
});
