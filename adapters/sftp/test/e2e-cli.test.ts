import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { work, TREE, KEYS, TOTAL_BYTES, writeTree, type FileState, snapshot, expectSameBytes, ferry, show, summary, ok } from "../../../tooling/testing/file-tree-cli.js";
import { sftpServer, type SftpTestServer } from "./server-env.js";

/**
 * End to end through the BUILT `ferry` binary (apps/cli/dist/bin.js): local → SFTP → local
 * round trips against the real OpenSSH sshd of tooling/test-servers. A missing build or a
 * missing server variable fails every test; nothing is skipped. SFTP v3 keeps mtimes in whole
 * seconds, so `--compare auto` is size-mtime with a 1 s window and mtimes survive the round trip
 * truncated to the second.
 */

const run = randomBytes(3).toString("hex");
/** the remote root itself has a space, `+`, `#` and non-ASCII in its name */
const remoteDir = `e2e ${run} cli+#ü`;

// --- the tree: odd names, nesting, an empty file, one 10 MiB file; mtimes in the past with a fraction
function location(server: SftpTestServer, dir: string): string {
  const root = `${server.root}/${dir}`.split("/").map(encodeURIComponent).join("/");
  return `sftp://${encodeURIComponent(server.user)}@${server.host}:${server.port}${root}`;
}
function credentials(server: SftpTestServer, knownHosts = server.knownHosts): string[] {
  return ["--sftp-key-file", server.keyFile, "--sftp-known-hosts", knownHosts];
}

let src: string;
let srcState: Map<string, FileState>;

beforeAll(() => {
  src = path.join(work, "src");
  writeTree(src, TREE);
  srcState = snapshot(src);
  expect([...srcState.keys()].sort()).toEqual(KEYS);
});

afterAll(() => {
  fs.rmSync(work, { recursive: true, force: true });
  const root = process.env.FERRY_TEST_SFTP_ROOT;
  if (root) fs.rmSync(path.join(root, remoteDir), { recursive: true, force: true });
});

describe("local → SFTP (OpenSSH) → local through the built CLI", () => {
  // resolved inside each test, so a server that is not running fails every test (never a skip)
  const server = () => sftpServer();
  const remote = () => location(server(), remoteDir);
  const onServer = () => path.join(server().root, remoteDir);
  const back = path.join(work, "back");

  it("refuses a server whose host key is not in --sftp-known-hosts (exit 3, fingerprint named, nothing written)", async () => {
    const empty = path.join(work, "empty_known_hosts");
    fs.writeFileSync(empty, "");
    const r = await ferry(["sync", src, remote(), ...credentials(server(), empty)]);
    expect(r.code, show(r)).toBe(3);
    expect(r.stderr).toMatch(/unknown SSH host key .*SHA256:/);
    expect(fs.existsSync(onServer())).toBe(false);
  });

  it("uploads the tree: byte-identical, mtimes kept to the second, no temporary left behind", async () => {
    const s = await ok(["sync", src, remote(), ...credentials(server())]);
    expect(s).toMatchObject({ foundSrc: KEYS.length, foundDst: 0, transferred: KEYS.length, transferredBytes: TOTAL_BYTES });
    const served = snapshot(onServer());
    expectSameBytes(served, srcState, "server folder");
    for (const [key, st] of served) expect(st.mtimeMs, key).toBe(Math.floor(srcState.get(key)!.mtimeMs / 1000) * 1000);
  });

  it("re-running the upload transfers nothing (size-mtime within the 1 s window)", async () => {
    const s = await ok(["sync", src, remote(), ...credentials(server())]);
    expect(s).toMatchObject({ foundSrc: KEYS.length, foundDst: KEYS.length, transferred: 0, skipped: KEYS.length });
  });

  it("downloads a byte-identical copy with the mtimes (to the second)", async () => {
    const s = await ok(["sync", remote(), back, ...credentials(server())]);
    expect(s).toMatchObject({ transferred: KEYS.length, transferredBytes: TOTAL_BYTES });
    const got = snapshot(back);
    expectSameBytes(got, srcState, "downloaded copy");
    for (const [key, st] of got) expect(Math.abs(st.mtimeMs - srcState.get(key)!.mtimeMs), key).toBeLessThan(1000);
  });

  it("re-running the download transfers nothing", async () => {
    const s = await ok(["sync", remote(), back, ...credentials(server())]);
    expect(s).toMatchObject({ transferred: 0, skipped: KEYS.length });
  });

  it("a same-size change with a newer mtime is sent again (mtimes really are compared)", async () => {
    const touched = path.join(src, "a.txt");
    const before = fs.statSync(touched).mtime;
    const later = before.getTime() / 1000 + 60;
    fs.writeFileSync(touched, "ALPHA\n");
    fs.utimesSync(touched, later, later);
    try {
      expect(await ok(["sync", src, remote(), ...credentials(server())])).toMatchObject({ transferred: 1, skipped: KEYS.length - 1 });
      expect(fs.readFileSync(path.join(onServer(), "a.txt"), "utf8")).toBe("ALPHA\n");
    } finally {
      fs.writeFileSync(touched, TREE["a.txt"]!);
      fs.utimesSync(touched, before, before);
    }
    expect(await ok(["sync", src, remote(), ...credentials(server())])).toMatchObject({ transferred: 1 });
    expectSameBytes(snapshot(onServer()), srcState, "server folder after restoring");
  });

  it("credentials from FERRY_SFTP_KEY_FILE / FERRY_SFTP_KNOWN_HOSTS work as well as the flags", async () => {
    const s = await ok(["check", src, remote()], { FERRY_SFTP_KEY_FILE: server().keyFile, FERRY_SFTP_KNOWN_HOSTS: server().knownHosts });
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
    expect(snapshot(onServer()).size).toBe(KEYS.length + 2);

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
  });
});
