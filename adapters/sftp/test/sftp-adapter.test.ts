import { execFileSync, spawn } from "node:child_process";
import { createHash, createHmac, randomBytes } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import ssh2 from "ssh2";
import { afterAll, describe, expect, it } from "vitest";
import { compareKeys, isFerryError, type Adapter, type Entry, type FerryError } from "@ferry/core";
import { fromUrl, sftp } from "../src/index.js";
import { sftpAdapter, sftpServer } from "./server-env.js";

const run = randomBytes(4).toString("hex");
const opened: Adapter[] = [];
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "ferry-sftp-test-"));

function adapter(dir: string, overrides: Parameters<typeof sftpAdapter>[1] = {}) {
  const a = sftpAdapter(`${run}/${dir}`, overrides);
  opened.push(a);
  return a;
}
function serverPath(dir: string): string {
  return `${sftpServer().root}/${run}/${dir}`;
}

afterAll(async () => {
  await Promise.all(opened.map((a) => a.close?.()));
  fs.rmSync(scratch, { recursive: true, force: true });
});

async function collect(a: Adapter, prefix?: string, options?: Parameters<Adapter["list"]>[1]): Promise<Entry[]> {
  const out: Entry[] = [];
  for await (const e of a.list(prefix, options)) out.push(e);
  return out;
}
async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}
async function failure(p: Promise<unknown>): Promise<FerryError> {
  try {
    await p;
  } catch (e) {
    if (isFerryError(e)) return e;
    throw new Error(`expected a FerryError, got ${String(e)}`);
  }
  throw new Error("expected a failure, but it succeeded");
}
/** Everything an error would show a user or a log. */
function visible(e: FerryError): string {
  return [e.message, e.hint ?? "", JSON.stringify(e.toJSON()), String(e.stack)].join("\n");
}
function knownHostsFile(content: string): string {
  const file = path.join(scratch, `known_hosts-${randomBytes(4).toString("hex")}`);
  fs.writeFileSync(file, content);
  return file;
}
function serverHostKey(): { type: string; data: string } {
  const line = fs.readFileSync(sftpServer().knownHosts, "utf8").trim();
  const [, type, data] = line.split(/\s+/);
  return { type: type!, data: data! };
}

describe("sftp adapter against OpenSSH sshd", () => {
  it("lists a deep tree in global byte order, directory by directory", async () => {
    const a = adapter("deep");
    const names = ["a", "a-b", "a.b", "a0", "b", "é", "ｆ", "😀"];
    const keys: string[] = [];
    for (const x of names) for (const y of ["f", "g.txt", "h-1"]) keys.push(`${x}/${y}`, `${x}/deep/er/still/${y}`);
    keys.push("top", "a/deep.txt", "a/deep-", "a/deep/er-");
    await Promise.all(keys.map((k) => a.write(k, Readable.from([Buffer.from(k)]), {})));
    const listed = (await collect(a)).map((e) => e.key);
    expect(listed).toEqual([...keys].sort(compareKeys));
    expect((await collect(a, "a/deep")).map((e) => e.key)).toEqual(keys.filter((k) => k.startsWith("a/deep")).sort(compareKeys));
    const after = "a/deep/er/still/g.txt";
    expect((await collect(a, "", { startAfter: after })).map((e) => e.key)).toEqual(keys.filter((k) => compareKeys(k, after) > 0).sort(compareKeys));
  });

  it("creates missing directories for writes, moves and mkdir", async () => {
    const a = adapter("dirs");
    await a.write("x/y/z/file.txt", Readable.from([Buffer.from("deep")]), {});
    expect(fs.readFileSync(path.join(serverPath("dirs"), "x/y/z/file.txt"), "utf8")).toBe("deep");
    await a.move!("x/y/z/file.txt", "p/q/moved.txt");
    expect(fs.existsSync(path.join(serverPath("dirs"), "p/q/moved.txt"))).toBe(true);
    await a.mkdir!("empty/one");
    expect(fs.statSync(path.join(serverPath("dirs"), "empty/one")).isDirectory()).toBe(true);
    // the move emptied x/y/z, x/y and x: they went with it
    expect(fs.existsSync(path.join(serverPath("dirs"), "x"))).toBe(false);
    // a directory removed behind the adapter's back is made again
    await a.write("x/y/z/first.txt", Readable.from([Buffer.from("first")]), {});
    fs.rmSync(path.join(serverPath("dirs"), "x"), { recursive: true });
    await a.write("x/y/z/again.txt", Readable.from([Buffer.from("again")]), {});
    expect(fs.readFileSync(path.join(serverPath("dirs"), "x/y/z/again.txt"), "utf8")).toBe("again");
  });

  it("removes directories a delete or move empties (never the root, never one still holding files), and keeps them with dirs", async () => {
    const a = adapter("prune");
    const keys = ["a/b/c/only.txt", "a/b/keep.txt", "m/n/moved.txt", "solo.txt"];
    await Promise.all(keys.map((k) => a.write(k, Readable.from([Buffer.from(k)]), {})));
    expect((await a.delete(["a/b/c/only.txt", "solo.txt"])).filter((o) => o.error)).toEqual([]);
    expect(fs.existsSync(path.join(serverPath("prune"), "a/b/c"))).toBe(false);
    expect(fs.readFileSync(path.join(serverPath("prune"), "a/b/keep.txt"), "utf8")).toBe("a/b/keep.txt");
    await a.move!("m/n/moved.txt", "a/moved.txt");
    expect(fs.existsSync(path.join(serverPath("prune"), "m"))).toBe(false);
    await a.delete(["a/b/keep.txt", "a/moved.txt"]);
    // the adapter's root stays, empty
    expect(fs.readdirSync(serverPath("prune"))).toEqual([]);

    const kept = adapter("prune-dirs", { dirs: true });
    await kept.write("d/e/f.txt", Readable.from([Buffer.from("f")]), {});
    await kept.delete(["d/e/f.txt"]);
    expect(fs.statSync(path.join(serverPath("prune-dirs"), "d/e")).isDirectory()).toBe(true);
  });

  it("keeps mtime (whole seconds) and mode", async () => {
    const a = adapter("attrs");
    const mtime = 1_234_567_890_987;
    const result = await a.write("f.sh", Readable.from([Buffer.from("#!/bin/sh\n")]), { mtime, mode: 0o751 });
    expect(result.mtime).toBe(1_234_567_890_000);
    const st = fs.statSync(path.join(serverPath("attrs"), "f.sh"));
    expect(st.mtimeMs).toBe(1_234_567_890_000);
    expect(st.mode & 0o7777).toBe(0o751);
    expect(await a.stat("f.sh")).toMatchObject({ size: 10, mtime: 1_234_567_890_000, mode: 0o751, type: "file" });
  });

  it("leaves nothing under the final name (and no temporary file) when the body fails", async () => {
    const a = adapter("atomic");
    await a.write("keep.bin", Readable.from([Buffer.from("old content")]), {});
    let sent = 0;
    const failing = new Readable({
      read() {
        if (sent >= 2 * 1024 * 1024) return void this.destroy(new Error("source went away"));
        sent += 256 * 1024;
        this.push(Buffer.alloc(256 * 1024, 1));
      },
    });
    const error = await failure(a.write("keep.bin", failing, { size: 10 * 1024 * 1024 }));
    expect(error.message).toMatch(/source went away/);
    expect(fs.readFileSync(path.join(serverPath("atomic"), "keep.bin"), "utf8")).toBe("old content");
    expect(fs.readdirSync(serverPath("atomic"))).toEqual(["keep.bin"]);
  });

  it("replaces an existing file atomically via posix-rename", async () => {
    const a = adapter("replace");
    await a.write("f", Readable.from([Buffer.from("one")]), {});
    const inode = fs.statSync(path.join(serverPath("replace"), "f")).ino;
    await a.write("f", Readable.from([Buffer.from("two")]), {});
    expect(fs.readFileSync(path.join(serverPath("replace"), "f"), "utf8")).toBe("two");
    // a new file renamed over the old one, not the old one truncated and rewritten
    expect(fs.statSync(path.join(serverPath("replace"), "f")).ino).not.toBe(inode);
  });

  it("follows symlinks by default (files, directories, loops) and keeps them with links: copy", async () => {
    const a = adapter("links");
    const dir = serverPath("links");
    await a.write("real/file.txt", Readable.from([Buffer.from("real")]), {});
    fs.symlinkSync("real/file.txt", path.join(dir, "file-link"));
    fs.symlinkSync("real", path.join(dir, "dir-link"));
    fs.symlinkSync("..", path.join(dir, "real", "loop"));
    fs.symlinkSync("nowhere", path.join(dir, "dangling"));
    const followed = await collect(a);
    expect(followed.map((e) => [e.key, e.type, e.size])).toEqual([
      ["dir-link/file.txt", "file", 4],
      ["file-link", "file", 4],
      ["real/file.txt", "file", 4],
    ]);
    expect((await readAll(await a.read("dir-link/file.txt"))).toString()).toBe("real");

    const copying = adapter("links", { links: "copy" });
    const kept = await collect(copying);
    expect(kept.map((e) => [e.key, e.type, e.target])).toEqual([
      ["dangling", "symlink", "nowhere"],
      ["dir-link", "symlink", "real"],
      ["file-link", "symlink", "real/file.txt"],
      ["real/file.txt", "file", undefined],
      ["real/loop", "symlink", ".."],
    ]);
    await copying.write("new-link", Readable.from([]), { symlinkTarget: "real/file.txt" });
    expect(fs.readlinkSync(path.join(dir, "new-link"))).toBe("real/file.txt");
    expect(() => a.checkWriteMeta!({ symlinkTarget: "x" })).toThrow(/--links/);
  });

  it("hashes on the server with md5sum/sha1sum/sha256sum, also for awkward names", async () => {
    const a = adapter("hash");
    const key = "it's a \\ back\nslash.txt";
    const body = Buffer.from("hash me on the server");
    await a.write(key, Readable.from([body]), {});
    for (const algorithm of ["md5", "sha1", "sha256"] as const) {
      expect(await a.hash!(key, algorithm)).toBe(createHash(algorithm).update(body).digest("hex"));
    }
    expect((await failure(a.hash!("missing", "md5"))).code).toBe("NotFound");
  });

  it("reuses a small pool of connections under concurrency", async () => {
    const a = adapter("pool", { connections: 3 });
    await Promise.all(Array.from({ length: 40 }, (_, i) => a.write(`k${i}`, Readable.from([Buffer.from(String(i))]), {})));
    const live = (a as unknown as { pool: { live: unknown[] } }).pool.live;
    expect(live.length).toBeGreaterThan(0);
    expect(live.length).toBeLessThanOrEqual(3);
    expect((await collect(a)).length).toBe(40);
    await a.close!();
    expect(live.length).toBe(0);
  });

  it("transfers 20 MiB quickly (speed printed, not asserted)", async () => {
    const a = adapter("speed");
    const size = 20 * 1024 * 1024;
    const data = randomBytes(size);
    await a.write("warm-up", Readable.from([Buffer.from("x")]), {});
    let t = performance.now();
    await a.write("big.bin", Readable.from((function* () {
      for (let i = 0; i < size; i += 64 * 1024) yield data.subarray(i, i + 64 * 1024);
    })()), { size });
    const up = performance.now() - t;
    t = performance.now();
    const back = await readAll(await a.read("big.bin"));
    const down = performance.now() - t;
    expect(back.equals(data)).toBe(true);
    const rate = (ms: number) => `${(size / 1024 / 1024 / (ms / 1000)).toFixed(0)} MiB/s`;
    console.log(`sftp 20 MiB: upload ${up.toFixed(0)} ms (${rate(up)}), download ${down.toFixed(0)} ms (${rate(down)})`);
  });
});

describe("sftp host keys and authentication", () => {
  const server = () => sftpServer();
  const base = () => ({ host: server().host, port: server().port, username: server().user, keyFile: server().keyFile, root: `${server().root}/${run}/auth` });

  it("refuses an unknown host key, naming the host and the opt-out flag", async () => {
    const a = sftp({ ...base(), knownHostsFile: knownHostsFile("# nothing here\n") });
    opened.push(a);
    const e = await failure(a.stat("x"));
    expect(e.code).toBe("Unauthorized");
    expect(e.message).toContain(`[127.0.0.1]:${server().port}`);
    expect(e.message).toMatch(/unknown SSH host key/);
    expect(e.hint).toContain("--sftp-insecure-host-key");
  });

  it("refuses a changed (mismatched) host key", async () => {
    const impostor = ssh2.utils.generateKeyPairSync("ed25519").public.split(/\s+/)[1];
    const a = sftp({ ...base(), knownHostsFile: knownHostsFile(`[127.0.0.1]:${server().port} ssh-ed25519 ${impostor}\n`) });
    opened.push(a);
    const e = await failure(a.stat("x"));
    expect(e.code).toBe("Unauthorized");
    expect(e.message).toMatch(/does not match/);
    expect(e.message).toContain(`[127.0.0.1]:${server().port}`);
    expect(e.hint).toContain("--sftp-insecure-host-key");
  });

  it("accepts any key only with the explicit insecure opt-out", async () => {
    const a = sftp({ ...base(), knownHostsFile: knownHostsFile(""), insecureHostKey: true });
    opened.push(a);
    expect(await a.stat("missing")).toBeUndefined();
  });

  it("accepts a hashed known_hosts entry", async () => {
    const { type, data } = serverHostKey();
    const salt = randomBytes(20);
    const hmac = createHmac("sha1", salt).update(`[127.0.0.1]:${server().port}`).digest("base64");
    const a = sftp({ ...base(), knownHostsFile: knownHostsFile(`|1|${salt.toString("base64")}|${hmac} ${type} ${data}\n`) });
    opened.push(a);
    expect(await a.probe!()).toEqual({ exists: false });
  });

  it("reports a wrong key or a password as Unauthorized without leaking either", async () => {
    const wrong = ssh2.utils.generateKeyPairSync("ed25519");
    const a = sftp({ ...base(), keyFile: undefined, privateKey: wrong.private, knownHostsFile: server().knownHosts });
    opened.push(a);
    const e = await failure(a.stat("x"));
    expect(e.code).toBe("Unauthorized");
    expect(e.message).toContain(`${server().user}@127.0.0.1:${server().port}`);
    const keyBody = wrong.private.split("\n").slice(1, -2).join("");
    expect(visible(e)).not.toContain(keyBody.slice(0, 40));

    const password = "hunter2-very-secret";
    const b = sftp({ ...base(), keyFile: undefined, password, knownHostsFile: server().knownHosts });
    opened.push(b);
    const e2 = await failure(b.stat("x"));
    expect(e2.code).toBe("Unauthorized");
    expect(visible(e2)).not.toContain(password);
    // later operations fail fast with the same answer instead of handshaking again
    expect((await failure(b.stat("y"))).code).toBe("Unauthorized");
  });

  it("logs in through ssh-agent (SSH_AUTH_SOCK)", async () => {
    // ssh-agent comes with openssh-client, which openssh-server depends on
    const socket = path.join(scratch, "agent.sock");
    const agent = spawn("ssh-agent", ["-D", "-a", socket], { stdio: "ignore" });
    try {
      for (let i = 0; i < 50 && !fs.existsSync(socket); i++) await new Promise((r) => setTimeout(r, 50));
      execFileSync("ssh-add", [server().keyFile], { env: { ...process.env, SSH_AUTH_SOCK: socket }, stdio: "ignore" });
      const url = new URL(`sftp://${server().user}@127.0.0.1:${server().port}${server().root}/${run}/agent`);
      const a = await fromUrl(url, { options: { sftpKnownHosts: server().knownHosts }, env: { SSH_AUTH_SOCK: socket } });
      opened.push(a);
      expect(await a.probe!()).toEqual({ exists: false });
      await a.close!();
    } finally {
      agent.kill();
    }
  });

  it("opens sftp:// URLs with the CLI's settings", async () => {
    const url = new URL(`sftp://${server().user}@127.0.0.1:${server().port}${server().root}/${run}/url`);
    const a = await fromUrl(url, { options: { sftpKeyFile: server().keyFile, sftpKnownHosts: server().knownHosts }, env: {} });
    opened.push(a);
    await a.write("via-url.txt", Readable.from([Buffer.from("ok")]), {});
    expect(fs.readFileSync(path.join(serverPath("url"), "via-url.txt"), "utf8")).toBe("ok");
    expect(a.root).toBe(`sftp://${server().user}@127.0.0.1:${server().port}${server().root}/${run}/url`);
  });

  it("reports a port nobody listens on as Unreachable", async () => {
    const port = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, "127.0.0.1", () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const a = sftp({ ...base(), port, knownHostsFile: server().knownHosts });
    opened.push(a);
    const e = await failure(a.stat("x"));
    expect(e.code).toBe("Unreachable");
    expect(e.retryable).toBe(true);
  });
});
