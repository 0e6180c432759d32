import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sftpServer, type SftpTestServer } from "./server-env.js";

/**
 * Any adapter to any adapter, through the BUILT `ferry` binary: WebDAV → SFTP and SFTP → WebDAV
 * directly (no local hop), against the real servers of tooling/test-servers (run with
 * `--only webdav,sftp`). A missing build or server variable fails every test; nothing is skipped.
 *
 *   local src ─▶ WebDAV A (rclone) ─▶ SFTP B ─▶ WebDAV C (rclone)
 *                                      └──────▶ WebDAV D (webdav-server, X-OC-Mtime) ─▶ SFTP E
 *
 * rclone's WebDAV keeps no mtime (auto compare = size against it); SFTP and the X-OC-Mtime
 * server both keep whole seconds, so between those two auto compare is size-mtime.
 */

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../apps/cli/dist/bin.js");
const work = fs.mkdtempSync(path.join(os.tmpdir(), "ferry-e2e-cross-"));
const run = randomBytes(3).toString("hex");
/** remote roots with a space, `+`, `#` and non-ASCII in their names */
const remoteDir = (label: string) => `e2e ${run} ${label}+#ü`;

// --- the tree: odd names, nesting, an empty file, one 10 MiB file; mtimes in the past with a fraction
const BIG = randomBytes(10 * 1024 * 1024);
const TREE: Record<string, Buffer | string> = {
  "a.txt": "alpha\n",
  "empty.txt": "",
  "with space.txt": "space\n",
  "plus+sign.txt": "plus\n",
  "hash#tag.txt": "hash\n",
  "100% sure.txt": "percent\n",
  "emoji 🚀.txt": "above U+FFFF sorts after ｆ in UTF-8 order\n",
  "ｆullwidth.txt": "fullwidth\n",
  "ünïcödé/日本語 ファイル.txt": "unicode\n",
  "dir with space/+plus#hash/leaf.txt": "leaf\n",
  "nested/a/b/c/deep.txt": "deep\n",
  "nested/a/sibling.txt": "sibling\n",
  "big.bin": BIG,
};
const KEYS = Object.keys(TREE).sort();
const TOTAL_BYTES = Object.values(TREE).reduce((n, v) => n + Buffer.byteLength(v), 0);
const BASE_MTIME = 1_600_000_000.25; // 2020-09-13, with a quarter second

function writeTree(root: string, tree: Record<string, Buffer | string>, mtimeBase = BASE_MTIME): void {
  Object.entries(tree).forEach(([key, body], i) => {
    const file = path.join(root, key);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, body);
    fs.utimesSync(file, mtimeBase + i * 37, mtimeBase + i * 37);
  });
}

interface FileState {
  size: number;
  sha256: string;
  mtimeMs: number;
}

/** Every file under `root` by POSIX key (directories are implied, as in ferry). */
function snapshot(root: string): Map<string, FileState> {
  const out = new Map<string, FileState>();
  const walk = (dir: string, prefix: string) => {
    for (const d of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, d.name);
      if (d.isDirectory()) walk(full, `${prefix}${d.name}/`);
      else {
        const st = fs.statSync(full);
        out.set(`${prefix}${d.name}`, { size: st.size, sha256: createHash("sha256").update(fs.readFileSync(full)).digest("hex"), mtimeMs: st.mtimeMs });
      }
    }
  };
  walk(root, "");
  return out;
}

function expectSameBytes(actual: Map<string, FileState>, expected: Map<string, FileState>, what: string): void {
  expect([...actual.keys()].sort(), `${what}: keys`).toEqual([...expected.keys()].sort());
  for (const [key, e] of expected) expect(actual.get(key)?.sha256, `${what}: ${key}`).toBe(e.sha256);
}

// --- the binary
interface FerryRun {
  args: string[];
  code: number | null;
  stdout: string;
  stderr: string;
  events: Array<Record<string, unknown> & { type: string }>;
}

function cleanEnv(extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined || /^(FERRY_|AWS_|AZURE_|RCLONE_)/.test(k) || k === "SSH_AUTH_SOCK") continue;
    env[k] = v;
  }
  return { ...env, CI: "true", XDG_CONFIG_HOME: path.join(work, "no-config"), XDG_STATE_HOME: path.join(work, "state"), ...extra };
}

function ferry(args: string[], env: Record<string, string> = {}): Promise<FerryRun> {
  // a missing build fails each test that needs it, with the fix
  if (!fs.existsSync(BIN)) throw new Error(`${BIN} is missing: build the CLI first (pnpm exec turbo run build)`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: work, env: cleanEnv(env), stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), 45_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      const events = stdout.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as FerryRun["events"][number]);
      resolve({ args, code, stdout, stderr, events });
    });
  });
}

function show(r: FerryRun): string {
  return `ferry ${r.args.map((a) => (/^[\w./:=@%-]+$/.test(a) ? a : JSON.stringify(a))).join(" ")}\nexit ${r.code}\nstderr: ${r.stderr}\nstdout: ${r.stdout.slice(-3000)}`;
}

function summary(r: FerryRun): Record<string, unknown> {
  const s = r.events.filter((e) => e.type === "summary").at(-1);
  if (!s) throw new Error(`no summary event\n${show(r)}`);
  return s;
}

/** A successful --json run: exit 0, no failures, nothing odd on stderr (Node warnings included). */
async function ok(args: string[], env?: Record<string, string>): Promise<Record<string, unknown>> {
  const r = await ferry([...args, "--json"], env);
  expect(r.code, show(r)).toBe(0);
  expect(r.stderr, show(r)).toBe("");
  const s = summary(r);
  expect(s, show(r)).toMatchObject({ failed: 0, outcome: "success" });
  return s;
}

// --- locations
interface DavServer {
  url: string;
  user: string;
  password: string;
  root: string;
}

/** The WebDAV servers' variables; missing ones fail the test with the command to run. */
function davServer(prefix: "FERRY_TEST_WEBDAV" | "FERRY_TEST_WEBDAV_NODE"): DavServer {
  const vars = ["URL", "USER", "PASSWORD", "ROOT"].map((v) => `${prefix}_${v}`);
  const missing = vars.filter((v) => !process.env[v]);
  if (missing.length) {
    throw new Error(`the WebDAV test servers are not running (${missing.join(", ")} unset); run: node tooling/test-servers/bin/with-servers.mjs --only webdav,sftp -- npx vitest run`);
  }
  const [url, user, password, root] = vars.map((v) => process.env[v]!) as [string, string, string, string];
  return { url, user, password, root };
}

function davLocation(server: DavServer, dir: string): string {
  return `webdav://${new URL(server.url).host}/${encodeURIComponent(dir)}/`;
}
function sftpLocation(server: SftpTestServer, dir: string): string {
  const root = `${server.root}/${dir}`.split("/").map(encodeURIComponent).join("/");
  return `sftp://${encodeURIComponent(server.user)}@${server.host}:${server.port}${root}`;
}

let src: string;
let srcState: Map<string, FileState>;
// resolved inside each test, so a server that is not running fails every test (never a skip)
const rclone = () => davServer("FERRY_TEST_WEBDAV");
const node = () => davServer("FERRY_TEST_WEBDAV_NODE");
const sshd = () => sftpServer();
/** flags for a pair: both adapters are in use, so both adapters' flags apply */
const pairFlags = (dav: DavServer) => ["--webdav-user", dav.user, "--webdav-password", dav.password, "--sftp-key-file", sshd().keyFile, "--sftp-known-hosts", sshd().knownHosts];

beforeAll(() => {
  if (!fs.existsSync(BIN)) throw new Error(`${BIN} is missing: build the CLI first (pnpm exec turbo run build)`);
  src = path.join(work, "src");
  writeTree(src, TREE);
  srcState = snapshot(src);
  expect([...srcState.keys()].sort()).toEqual(KEYS);
});

afterAll(() => {
  fs.rmSync(work, { recursive: true, force: true });
  for (const v of ["FERRY_TEST_WEBDAV_ROOT", "FERRY_TEST_WEBDAV_NODE_ROOT", "FERRY_TEST_SFTP_ROOT"]) {
    const root = process.env[v];
    if (!root || !fs.existsSync(root)) continue;
    for (const d of fs.readdirSync(root)) if (d.startsWith(`e2e ${run} `)) fs.rmSync(path.join(root, d), { recursive: true, force: true });
  }
});

describe("WebDAV ↔ SFTP directly through the built CLI", () => {
  const A = remoteDir("dav-A");
  const B = remoteDir("sftp-B");
  const C = remoteDir("dav-C");
  const D = remoteDir("davmtime-D");
  const E = remoteDir("sftp-E");
  const owncloud = { FERRY_WEBDAV_VENDOR: "owncloud" };

  it("seeds WebDAV A from the local tree", async () => {
    const s = await ok(["sync", src, davLocation(rclone(), A), "--webdav-user", rclone().user, "--webdav-password", rclone().password]);
    expect(s).toMatchObject({ transferred: KEYS.length, transferredBytes: TOTAL_BYTES });
    expectSameBytes(snapshot(path.join(rclone().root, A)), srcState, "WebDAV A");
  });

  it("WebDAV → SFTP: identical tree, re-run transfers nothing, check agrees", async () => {
    const args = ["sync", davLocation(rclone(), A), sftpLocation(sshd(), B), ...pairFlags(rclone())];
    expect(await ok(args)).toMatchObject({ foundSrc: KEYS.length, foundDst: 0, transferred: KEYS.length, transferredBytes: TOTAL_BYTES });
    expectSameBytes(snapshot(path.join(sshd().root, B)), srcState, "SFTP B");
    expect(await ok(args)).toMatchObject({ transferred: 0, skipped: KEYS.length });
    const check = await ferry(["check", davLocation(rclone(), A), sftpLocation(sshd(), B), "--json", ...pairFlags(rclone())]);
    expect(check.code, show(check)).toBe(0);
  });

  it("SFTP → WebDAV: identical tree, re-run transfers nothing, check agrees", async () => {
    const args = ["sync", sftpLocation(sshd(), B), davLocation(rclone(), C), ...pairFlags(rclone())];
    expect(await ok(args)).toMatchObject({ foundSrc: KEYS.length, foundDst: 0, transferred: KEYS.length, transferredBytes: TOTAL_BYTES });
    expectSameBytes(snapshot(path.join(rclone().root, C)), srcState, "WebDAV C");
    expect(await ok(args)).toMatchObject({ transferred: 0, skipped: KEYS.length });
    const check = await ferry(["check", sftpLocation(sshd(), B), davLocation(rclone(), C), "--json", ...pairFlags(rclone())]);
    expect(check.code, show(check)).toBe(0);
  });

  it("--delete across adapters removes extras both ways (WebDAV → SFTP and SFTP → WebDAV)", async () => {
    const extras = path.join(work, "extras");
    writeTree(extras, { "zz-extra.txt": "extra\n", "old/stale.bin": "stale\n" });
    await ok(["copy", extras, sftpLocation(sshd(), B), "--sftp-key-file", sshd().keyFile, "--sftp-known-hosts", sshd().knownHosts]);
    await ok(["copy", extras, davLocation(rclone(), C), "--webdav-user", rclone().user, "--webdav-password", rclone().password]);

    expect(await ok(["sync", davLocation(rclone(), A), sftpLocation(sshd(), B), "--delete", ...pairFlags(rclone())])).toMatchObject({ deleted: 2, transferred: 0 });
    expectSameBytes(snapshot(path.join(sshd().root, B)), srcState, "SFTP B after --delete");
    expect(await ok(["sync", sftpLocation(sshd(), B), davLocation(rclone(), C), "--delete", ...pairFlags(rclone())])).toMatchObject({ deleted: 2, transferred: 0 });
    expectSameBytes(snapshot(path.join(rclone().root, C)), srcState, "WebDAV C after --delete");
  });

  it("SFTP → WebDAV (X-OC-Mtime) → SFTP keeps mtimes to the second; auto compare is size-mtime between them", async () => {
    // B's mtimes are A's upload times (rclone keeps none); they must now survive both hops
    const bState = snapshot(path.join(sshd().root, B));
    const toD = ["sync", sftpLocation(sshd(), B), davLocation(node(), D), ...pairFlags(node())];
    expect(await ok(toD, owncloud)).toMatchObject({ transferred: KEYS.length, transferredBytes: TOTAL_BYTES });
    const dState = snapshot(path.join(node().root, D));
    expectSameBytes(dState, srcState, "WebDAV D");
    for (const [key, st] of dState) expect(st.mtimeMs, key).toBe(bState.get(key)!.mtimeMs);

    const toE = ["sync", davLocation(node(), D), sftpLocation(sshd(), E), ...pairFlags(node())];
    expect(await ok(toE, owncloud)).toMatchObject({ transferred: KEYS.length });
    const eState = snapshot(path.join(sshd().root, E));
    expectSameBytes(eState, srcState, "SFTP E");
    for (const [key, st] of eState) expect(st.mtimeMs, key).toBe(bState.get(key)!.mtimeMs);
    expect(await ok(toE, owncloud)).toMatchObject({ transferred: 0, skipped: KEYS.length });

    // a same-size file with another mtime on E is sent again from D (mtimes are compared)
    const onE = path.join(sshd().root, E, "a.txt");
    fs.utimesSync(onE, 1_500_000_000, 1_500_000_000);
    expect(await ok(toE, owncloud)).toMatchObject({ transferred: 1, skipped: KEYS.length - 1 });
    expect(fs.statSync(onE).mtimeMs).toBe(bState.get("a.txt")!.mtimeMs);
  });
});
