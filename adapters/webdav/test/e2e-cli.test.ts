import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { webdavServer, type ServerName, type WebdavTestServer } from "./server-env.js";
import { work, TREE, KEYS, TOTAL_BYTES, writeTree, type FileState, snapshot, expectSameBytes, ferry, show, summary, ok } from "../../../tooling/testing/file-tree-cli.js";

/**
 * End to end through the BUILT `ferry` binary (apps/cli/dist/bin.js): local → WebDAV → local
 * round trips against the real servers of tooling/test-servers. A missing build or a missing
 * server variable fails every test; nothing is skipped.
 *
 * - rclone serve webdav (basic auth) keeps no source mtime: getlastmodified is the upload time,
 *   so `--compare auto` falls back to `size` and a download gets the upload time as its mtime.
 * - webdav-server with ownCloud's X-OC-Mtime (digest auth, FERRY_WEBDAV_VENDOR=owncloud, as the
 *   CLI has no --webdav-vendor flag) keeps mtimes at 1 s precision.
 */

const run = randomBytes(3).toString("hex");
/** the remote root itself has a space, `+`, `#` and non-ASCII in its name */
const remoteDir = (label: string) => `e2e ${run} ${label}+#ü`;

// --- locations
function location(server: WebdavTestServer, dir: string): string {
  const url = new URL(server.url);
  return `webdav://${url.host}/${dir.split("/").map(encodeURIComponent).join("/")}/`;
}
function credentials(server: WebdavTestServer): string[] {
  return ["--webdav-user", server.user, "--webdav-password", server.password];
}

let src: string;
let srcState: Map<string, FileState>;
const startedAt = Date.now();

beforeAll(() => {
  src = path.join(work, "src");
  writeTree(src, TREE);
  srcState = snapshot(src);
  expect([...srcState.keys()].sort()).toEqual(KEYS);
});

afterAll(() => {
  fs.rmSync(work, { recursive: true, force: true });
  for (const name of ["rclone", "node"] as ServerName[]) {
    const root = process.env[name === "rclone" ? "FERRY_TEST_WEBDAV_ROOT" : "FERRY_TEST_WEBDAV_NODE_ROOT"];
    if (!root) continue;
    for (const d of fs.readdirSync(root)) if (d.startsWith(`e2e ${run} `)) fs.rmSync(path.join(root, d), { recursive: true, force: true });
  }
});

describe("local → WebDAV (rclone serve webdav) → local through the built CLI", () => {
  // resolved inside each test, so a server that is not running fails every test (never a skip)
  const server = () => webdavServer("rclone");
  const remote = () => location(server(), remoteDir("rclone"));
  const onServer = () => path.join(server().root, remoteDir("rclone"));
  const back = path.join(work, "back-rclone");

  it("uploads the tree: every key arrives byte-identical, no temporary left behind", async () => {
    const s = await ok(["sync", src, remote(), ...credentials(server())]);
    expect(s).toMatchObject({ foundSrc: KEYS.length, foundDst: 0, transferred: KEYS.length, transferredBytes: TOTAL_BYTES });
    expectSameBytes(snapshot(onServer()), srcState, "server folder");
  });

  it("re-running the upload transfers nothing (auto compare falls back to size: rclone keeps no source mtime)", async () => {
    // the server's copies carry the upload time, not the 2020 source times: only sizes can agree
    for (const [key, st] of snapshot(onServer())) expect(st.mtimeMs, key).toBeGreaterThan(startedAt - 5_000);
    const s = await ok(["sync", src, remote(), ...credentials(server())]);
    expect(s).toMatchObject({ foundSrc: KEYS.length, foundDst: KEYS.length, transferred: 0, skipped: KEYS.length });
  });

  it("downloads a byte-identical copy; its mtimes are the server's (upload time), not the source's", async () => {
    const s = await ok(["sync", remote(), back, ...credentials(server())]);
    expect(s).toMatchObject({ transferred: KEYS.length, transferredBytes: TOTAL_BYTES });
    const got = snapshot(back);
    expectSameBytes(got, srcState, "downloaded copy");
    const served = snapshot(onServer());
    for (const [key, st] of got) {
      expect(Math.abs(st.mtimeMs - served.get(key)!.mtimeMs), `${key}: mtime = the server's getlastmodified`).toBeLessThan(1000);
      expect(Math.abs(st.mtimeMs - srcState.get(key)!.mtimeMs), `${key}: the source mtime is not kept`).toBeGreaterThan(86_400_000);
    }
  });

  it("re-running the download transfers nothing", async () => {
    const s = await ok(["sync", remote(), back, ...credentials(server())]);
    expect(s).toMatchObject({ transferred: 0, skipped: KEYS.length });
  });

  it("credentials from FERRY_WEBDAV_USER / FERRY_WEBDAV_PASSWORD work as well as the flags", async () => {
    const s = await ok(["check", src, remote()], { FERRY_WEBDAV_USER: server().user, FERRY_WEBDAV_PASSWORD: server().password });
    expect(s).toMatchObject({ foundSrc: KEYS.length, foundDst: KEYS.length });
  });

  it("--delete removes extras on the server, but only within --max-delete", async () => {
    const extras = path.join(work, "extras");
    writeTree(extras, { "zz-extra.txt": "extra\n", "old/stale.bin": "stale\n" });
    expect(await ok(["copy", extras, remote(), ...credentials(server())])).toMatchObject({ transferred: 2 });
    expect([...snapshot(onServer()).keys()]).toEqual(expect.arrayContaining(["zz-extra.txt", "old/stale.bin"]));

    // two deletions against --max-delete 1: refused before anything changes, exit 4
    const refused = await ferry(["sync", src, remote(), "--delete", "--max-delete", "1", "--json", ...credentials(server())]);
    expect(refused.code, show(refused)).toBe(4);
    expect(summary(refused)).toMatchObject({ outcome: "refused", deleted: 0, toDelete: 2 });
    expect(String(summary(refused).reason)).toMatch(/--max-delete/);
    expect([...snapshot(onServer()).keys()]).toEqual(expect.arrayContaining(["zz-extra.txt", "old/stale.bin"]));

    // the default guard (50%): a source holding one key would delete nearly everything
    const lonely = path.join(work, "lonely");
    writeTree(lonely, { "a.txt": "alpha\n" });
    const guarded = await ferry(["sync", lonely, remote(), "--delete", "--json", ...credentials(server())]);
    expect(guarded.code, show(guarded)).toBe(4);
    expect(summary(guarded)).toMatchObject({ outcome: "refused", deleted: 0, transferred: 0 });
    expect(snapshot(onServer()).size).toBe(KEYS.length + 2);

    const s = await ok(["sync", src, remote(), "--delete", ...credentials(server())]);
    expect(s).toMatchObject({ deleted: 2, transferred: 0 });
    expectSameBytes(snapshot(onServer()), srcState, "server folder after --delete");
  });

  it("--delete removes extras from the local copy, leaving it identical to the source", async () => {
    writeTree(back, { "stray.txt": "stray\n", "stray dir/x.bin": "x" });
    const s = await ok(["sync", remote(), back, "--delete", ...credentials(server())]);
    expect(s).toMatchObject({ deleted: 2, transferred: 0 });
    expectSameBytes(snapshot(back), srcState, "local copy after --delete");
    expect(fs.existsSync(path.join(back, "stray dir")), "the emptied local directory is pruned").toBe(false);
  });
});

describe("local → WebDAV (webdav-server, digest auth, X-OC-Mtime) → local keeps mtimes at 1 s", () => {
  const vendor = { FERRY_WEBDAV_VENDOR: "owncloud" };
  const server = () => webdavServer("node");
  const remote = () => location(server(), remoteDir("node"));
  const back = path.join(work, "back-node");

  it("round trip: byte-identical, mtimes kept to the second, re-runs transfer nothing both ways", async () => {
    expect(await ok(["sync", src, remote(), ...credentials(server())], vendor)).toMatchObject({ transferred: KEYS.length, transferredBytes: TOTAL_BYTES });
    const served = snapshot(path.join(server().root, remoteDir("node")));
    expectSameBytes(served, srcState, "server folder");
    for (const [key, st] of served) expect(st.mtimeMs, key).toBe(Math.floor(srcState.get(key)!.mtimeMs / 1000) * 1000);

    expect(await ok(["sync", src, remote(), ...credentials(server())], vendor)).toMatchObject({ transferred: 0, skipped: KEYS.length });
    expect(await ok(["sync", remote(), back, ...credentials(server())], vendor)).toMatchObject({ transferred: KEYS.length });
    const got = snapshot(back);
    expectSameBytes(got, srcState, "downloaded copy");
    for (const [key, st] of got) expect(Math.abs(st.mtimeMs - srcState.get(key)!.mtimeMs), key).toBeLessThan(1000);
    expect(await ok(["sync", remote(), back, ...credentials(server())], vendor)).toMatchObject({ transferred: 0, skipped: KEYS.length });

    // size-mtime really is in force: a source newer by a minute (same size) is sent again
    const touched = path.join(src, "a.txt");
    const before = fs.statSync(touched).mtime;
    fs.utimesSync(touched, before.getTime() / 1000 + 60, before.getTime() / 1000 + 60);
    try {
      expect(await ok(["sync", src, remote(), ...credentials(server())], vendor)).toMatchObject({ transferred: 1, skipped: KEYS.length - 1 });
    } finally {
      fs.utimesSync(touched, before, before);
    }
  });
});
