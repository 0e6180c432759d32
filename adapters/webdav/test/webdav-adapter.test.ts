import { randomBytes } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { Readable } from "node:stream";
import { afterAll, describe, expect, it } from "vitest";
import { compareKeys, isFerryError, type Adapter, type Entry, type FerryError } from "@ferry/core";
import { fromUrl, webdav, type WebdavAdapter } from "../src/index.js";
import { webdavAdapter, webdavServer, type ServerName } from "./server-env.js";

const run = randomBytes(4).toString("hex");
const opened: Adapter[] = [];

function adapter(server: ServerName, dir: string, overrides: Parameters<typeof webdavAdapter>[2] = {}): WebdavAdapter {
  const a = webdavAdapter(server, `${run}/${dir}`, overrides);
  opened.push(a);
  return a;
}
function onDisk(server: ServerName, dir: string): string {
  return path.join(webdavServer(server).root, run, dir);
}

afterAll(async () => {
  await Promise.all(opened.map((a) => a.close?.()));
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
function visible(e: FerryError): string {
  return [e.message, e.hint ?? "", JSON.stringify(e.toJSON()), String(e.stack)].join("\n");
}
const text = (s: string) => Readable.from([Buffer.from(s)]);

/** Records every request the adapter sends (method and headers), via its session. */
function recordRequests(a: WebdavAdapter): Array<{ method: string; url: string; depth?: string; inFlight: number }> {
  const session = (a as unknown as { session: { request: (m: string, u: string, o?: { headers?: Record<string, string> }) => Promise<unknown> } }).session;
  const original = session.request.bind(session);
  const log: Array<{ method: string; url: string; depth?: string; inFlight: number }> = [];
  let inFlight = 0;
  session.request = async (method, url, options) => {
    inFlight++;
    log.push({ method, url, depth: options?.headers?.Depth, inFlight });
    try {
      return await original(method, url, options);
    } finally {
      inFlight--;
    }
  };
  return log;
}

for (const server of ["rclone", "node"] as ServerName[]) {
  describe(`webdav adapter against ${server === "rclone" ? "rclone serve webdav" : "webdav-server (digest auth)"}`, () => {
    it("lists a deep tree in global byte order with depth-1 PROPFINDs, a few in flight", async () => {
      const a = adapter(server, "deep", { listConcurrency: 3 });
      const names = ["a", "a-b", "a.b", "a0", "é", "ｆ", "😀"];
      const keys: string[] = ["top"];
      for (const x of names) for (const y of ["f", "g.txt"]) keys.push(`${x}/${y}`, `${x}/d1/d2/d3/${y}`, `${x}/d1-/${y}`);
      await Promise.all(keys.map((k) => a.write(k, text(k), {})));
      const log = recordRequests(a);
      const listed = (await collect(a)).map((e) => e.key);
      expect(listed).toEqual([...keys].sort(compareKeys));
      const propfinds = log.filter((r) => r.method === "PROPFIND");
      expect(propfinds.length).toBeGreaterThan(names.length * 4);
      expect(new Set(propfinds.map((r) => r.depth))).toEqual(new Set(["1"]));
      expect(Math.max(...propfinds.map((r) => r.inFlight))).toBeLessThanOrEqual(3);
    });

    it("creates collections as needed, and remembers them", async () => {
      const a = adapter(server, "collections");
      const log = recordRequests(a);
      await Promise.all(["x/y/z/1", "x/y/z/2", "x/y/3", "x/4"].map((k) => a.write(k, text(k), {})));
      expect(fs.readFileSync(path.join(onDisk(server, "collections"), "x/y/z/1"), "utf8")).toBe("x/y/z/1");
      // the root's missing parents too; each collection at most twice (again after its parent)
      const mkcols = log.filter((r) => r.method === "MKCOL").map((r) => new URL(r.url).pathname);
      expect(mkcols.length).toBeLessThanOrEqual(2 * new Set(mkcols).size);
      log.length = 0;
      await Promise.all(["x/y/z/5", "x/6", "7"].map((k) => a.write(k, text(k), {})));
      expect(log.filter((r) => r.method === "MKCOL")).toEqual([]);
      await a.mkdir!("empty/inside");
      expect(fs.statSync(path.join(onDisk(server, "collections"), "empty/inside")).isDirectory()).toBe(true);
    });

    it("leaves nothing under the final name (and no temporary) when the body fails", async () => {
      const a = adapter(server, "atomic");
      await a.write("keep.bin", text("old content"), {});
      let sent = 0;
      const failing = new Readable({
        read() {
          if (sent >= 1024 * 1024) return void setTimeout(() => this.destroy(new Error("source went away")), 5);
          sent += 128 * 1024;
          this.push(Buffer.alloc(128 * 1024, 1));
        },
      });
      const e = await failure(a.write("keep.bin", failing, { size: 8 * 1024 * 1024 }));
      expect(e.code).not.toBe("Unauthorized");
      expect((await readAll(await a.read("keep.bin"))).toString()).toBe("old content");
      expect((await collect(a)).map((x) => x.key)).toEqual(["keep.bin"]);
      // the temporary is removed, not just hidden (possibly a moment later: the server may still
      // be handling the aborted upload)
      for (let i = 0; i < 100 && fs.readdirSync(onDisk(server, "atomic")).length > 1; i++) await new Promise((r) => setTimeout(r, 100));
      expect(fs.readdirSync(onDisk(server, "atomic"))).toEqual(["keep.bin"]);
    });

    it("copies server-side between locations of the same server, and refuses other servers", async () => {
      const from = adapter(server, "copy-from");
      const to = adapter(server, "copy-to");
      await from.write("dir/source.txt", text("copied without a byte through ferry"), { mtime: 1_500_000_000_000 });
      const log = recordRequests(to);
      await to.copy!(from, "dir/source.txt", "deeper/target.txt", { size: 35, mtime: 1_500_000_000_000 });
      const methods = log.map((r) => r.method);
      expect(methods).toContain("COPY");
      if (to.capabilities.mtime === "none") {
        expect(methods).not.toContain("PUT");
        expect(methods).not.toContain("GET");
      } else {
        // this server stamps a new mtime on COPY and only a PUT can set one: the bytes come through
        expect((await to.stat("deeper/target.txt"))?.mtime).toBe(1_500_000_000_000);
      }
      expect((await readAll(await to.read("deeper/target.txt"))).toString()).toBe("copied without a byte through ferry");
      expect((await collect(to)).map((e) => e.key)).toEqual(["deeper/target.txt"]);
      expect(to.identity).toBe(from.identity);
      const other = webdavAdapter(server === "rclone" ? "node" : "rclone", `${run}/elsewhere`);
      opened.push(other);
      expect((await failure(to.copy!(other, "x", "y", {}))).code).toBe("Unsupported");
    });

    it("reports a wrong password as Unauthorized without leaking it", async () => {
      const password = `wrong-${randomBytes(6).toString("hex")}`;
      const a = adapter(server, "auth", { password });
      const e = await failure(a.stat("anything"));
      expect(e.code).toBe("Unauthorized");
      expect(e.hint).toMatch(/--webdav-user/);
      expect(visible(e)).not.toContain(password);
      const w = await failure(a.write("x", text("x"), {}));
      expect(w.code).toBe("Unauthorized");
      expect(visible(w)).not.toContain(password);
      expect(a.root).not.toContain(password);
    });

    it("transfers 20 MiB with streamed bodies (speed printed, not asserted)", async () => {
      const a = adapter(server, "speed");
      const size = 20 * 1024 * 1024;
      const data = randomBytes(size);
      await a.write("warm-up", text("x"), {});
      let t = performance.now();
      const body = Readable.from((function* () {
        for (let i = 0; i < size; i += 64 * 1024) yield data.subarray(i, i + 64 * 1024);
      })());
      await a.write("big.bin", body, { size });
      const up = performance.now() - t;
      t = performance.now();
      const back = await readAll(await a.read("big.bin"));
      const down = performance.now() - t;
      expect(back.equals(data)).toBe(true);
      const slice = await readAll(await a.read("big.bin", { range: { start: size - 10 } }));
      expect(slice.equals(data.subarray(size - 10))).toBe(true);
      const rate = (ms: number) => `${(size / 1024 / 1024 / (ms / 1000)).toFixed(0)} MiB/s`;
      console.log(`webdav (${server}) 20 MiB: upload ${up.toFixed(0)} ms (${rate(up)}), download ${down.toFixed(0)} ms (${rate(down)})`);
    });
  });
}

describe("webdav locks", () => {
  it("maps a locked resource (423) to Conflict (rclone: webdav-server lets the same user through a lock)", async () => {
    const server: ServerName = "rclone";
    const a = adapter(server, "locked");
    await a.write("busy.txt", text("locked by someone else"), {});
    const s = webdavServer(server);
    const { createClient, AuthType } = await import("webdav");
    const other = createClient(new URL(`${run}/locked/`, s.url).href, { username: s.user, password: s.password, authType: AuthType.Auto });
    const lockinfo = `<?xml version="1.0" encoding="utf-8"?><D:lockinfo xmlns:D="DAV:"><D:lockscope><D:exclusive/></D:lockscope><D:locktype><D:write/></D:locktype><D:owner>another client</D:owner></D:lockinfo>`;
    const locked = await other.customRequest("busy.txt", { method: "LOCK", headers: { "Content-Type": "application/xml", Timeout: "Second-60" }, data: lockinfo });
    const raw = locked.headers.get("lock-token")!;
    const token = raw.startsWith("<") ? raw : `<${raw}>`;
    expect(raw).toBeTruthy();
    try {
      const e = await failure(a.write("busy.txt", text("overwrite attempt"), {}));
      expect(e.code).toBe("Conflict");
      expect(e.message).toMatch(/HTTP 423/);
    } finally {
      await other.customRequest("busy.txt", { method: "UNLOCK", headers: { "Lock-Token": token } });
    }
    expect((await readAll(await a.read("busy.txt"))).toString()).toBe("locked by someone else");
  });
});

describe("webdav mtimes", () => {
  it("keeps the source mtime on an X-OC-Mtime server (vendor owncloud)", async () => {
    const a = adapter("node", "mtime");
    expect(a.capabilities.mtime).toBe("native");
    await a.write("dated.txt", text("dated"), { mtime: 1_234_567_890_999 });
    expect((await a.stat("dated.txt"))?.mtime).toBe(1_234_567_890_000);
    expect(fs.statSync(path.join(onDisk("node", "mtime"), "dated.txt")).mtimeMs).toBe(1_234_567_890_000);
  });

  it("declares mtime none for plain servers, and refuses to pretend on one that ignores X-OC-Mtime", async () => {
    expect(adapter("rclone", "mtime").capabilities.mtime).toBe("none");
    const pretending = adapter("rclone", "mtime", { vendor: "owncloud" });
    const e = await failure(pretending.write("dated.txt", text("dated"), { mtime: 1_234_567_890_000 }));
    expect(e.code).toBe("Unsupported");
    expect(e.hint).toMatch(/--webdav-vendor other/);
    expect(await pretending.stat("dated.txt")).toBeUndefined();
  });
});

describe("webdav locations and connections", () => {
  it("opens webdav:// URLs with credentials from the CLI's settings and forced digest auth", async () => {
    const s = webdavServer("node");
    const u = new URL(s.url);
    const a = await fromUrl(new URL(`webdav://${u.host}/${run}/url`), {
      options: { webdavUser: s.user, webdavPassword: s.password, webdavAuth: "digest", webdavVendor: "owncloud" },
      env: {},
    });
    opened.push(a);
    await a.write("via-url.txt", text("ok"), { mtime: 1_600_000_000_000 });
    expect((await readAll(await a.read("via-url.txt"))).toString()).toBe("ok");
    expect(a.root).toBe(`webdav://${s.user}@${u.host}/${run}/url/`);
  });

  it("knows when a session speaks digest, and then checks each upload's stored size", async () => {
    const digest = adapter("node", "digest-check");
    const basic = adapter("rclone", "digest-check");
    for (const a of [digest, basic]) await a.write("f", text("12345"), { size: 5 });
    const usesDigest = (a: WebdavAdapter) => (a as unknown as { session: { usesDigest: boolean } }).session.usesDigest;
    expect(usesDigest(digest)).toBe(true);
    expect(usesDigest(basic)).toBe(false);
    const log = recordRequests(digest);
    await digest.write("g", text("12345"), { size: 5 });
    expect(log.map((r) => `${r.method} ${r.depth ?? ""}`.trim())).toEqual(["PUT", "PROPFIND 0", "MOVE"]);
  });

  it("refuses basic auth where the server only speaks digest", async () => {
    const a = adapter("node", "basic-only", { auth: "basic" });
    expect((await failure(a.stat("x"))).code).toBe("Unauthorized");
  });

  it("probes: an existing collection, a missing one, and a server nobody listens on", async () => {
    const a = adapter("rclone", "probe");
    expect(await a.probe!()).toEqual({ exists: false });
    await a.write("here", text("x"), {});
    expect(await a.probe!()).toEqual({ exists: true });
    const port = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, "127.0.0.1", () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const down = webdav({ url: `http://127.0.0.1:${port}/`, username: "u", password: "p" });
    const e = await failure(down.probe!());
    expect(e.code).toBe("Unreachable");
    expect(e.retryable).toBe(true);
  });

  it("deletes files and empty collections, but never a collection that still has content", async () => {
    const a = adapter("rclone", "deletes");
    await a.write("full/kept.txt", text("kept"), {});
    await a.mkdir!("empty");
    const outcomes = await a.delete(["full", "empty", "missing"]);
    expect(outcomes.find((o) => o.key === "full")?.error?.code).toBe("Conflict");
    expect(outcomes.find((o) => o.key === "empty")?.error).toBeUndefined();
    expect(outcomes.find((o) => o.key === "missing")?.error).toBeUndefined();
    expect((await collect(a, "", { dirs: true })).map((e) => e.key)).toEqual(["full", "full/kept.txt"]);
  });
});
