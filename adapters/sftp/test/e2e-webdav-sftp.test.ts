import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN, work, TREE, KEYS, TOTAL_BYTES, writeTree, type FileState, snapshot, expectSameBytes, ferry, show, ok } from "../../../tooling/testing/file-tree-cli.js";
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

const run = randomBytes(3).toString("hex");
/** remote roots with a space, `+`, `#` and non-ASCII in their names */
const remoteDir = (label: string) => `e2e ${run} ${label}+#ü`;

// --- the tree: odd names, nesting, an empty file, one 10 MiB file; mtimes in the past with a fraction
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
