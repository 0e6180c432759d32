import { Readable } from "node:stream";
import { isFerryError, type Entry } from "@ferry/core";
import { afterEach, describe, expect, it } from "vitest";
import { clearMemoryStore, fromUrl, memory, MemoryAdapter } from "../src/index.js";

const context = { options: {}, env: {} };

function body(text: string): Readable {
  return Readable.from([Buffer.from(text)]);
}

async function text(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString();
}

async function keys(iterable: AsyncIterable<Entry>): Promise<string[]> {
  const out: string[] = [];
  for await (const e of iterable) out.push(e.key);
  return out;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (e) {
    return e;
  }
  throw new Error("expected a rejection");
}

afterEach(() => {
  for (const name of ["shared", "other", "pages", "meta"]) clearMemoryStore(name);
});

describe("memory adapter", () => {
  it("mem://name from two places is the same store, prefixes scope keys", async () => {
    const whole = await fromUrl(new URL("mem://shared"), context);
    const scoped = await fromUrl(new URL("mem://shared/some/prefix"), context);
    expect(scoped.root).toBe("mem://shared/some/prefix/");
    await scoped.write("a.txt", body("A"), {});
    expect(await keys(whole.list())).toEqual(["some/prefix/a.txt"]);
    expect(await keys(scoped.list())).toEqual(["a.txt"]);
    expect(await text(await whole.read("some/prefix/a.txt"))).toBe("A");
    expect(await keys(memory({ name: "other" }).list())).toEqual([]);
  });

  it("decodes percent-encoded names and prefixes and refuses a missing name", async () => {
    const a = await fromUrl(new URL("mem://shared/with%20space/"), context);
    await a.write("k", body("x"), {});
    expect(await keys(memory({ name: "shared" }).list())).toEqual(["with space/k"]);
    expect(() => fromUrl(new URL("mem:///prefix"), context)).toThrow(/needs a store name/);
  });

  it("lists past its internal page size while the store changes underneath", async () => {
    const adapter = memory({ name: "pages" });
    const all = Array.from({ length: 2500 }, (_, i) => `k${String(i).padStart(4, "0")}`);
    for (const k of all) await adapter.write(k, body(k), {});
    const seen: string[] = [];
    for await (const entry of adapter.list()) {
      seen.push(entry.key);
      // deleting what is already listed, and adding behind the cursor, must not disturb it
      if (entry.key === "k1500") {
        await adapter.delete(["k0001", "k1499"]);
        await adapter.write("a-before", body("x"), {});
        await adapter.write("k2400x", body("x"), {});
      }
    }
    // pages are copied 1000 keys at a time: a later page sees keys added after the listing began
    expect(seen).toEqual([...all.slice(0, 2401), "k2400x", ...all.slice(2401)]);
  });

  it("startAfter before the prefix lists the whole prefix", async () => {
    const adapter = memory({ name: "pages" });
    for (const k of ["a/1", "b/1", "b/2", "c/1"]) await adapter.write(k, body(k), {});
    expect(await keys(adapter.list("b/", { startAfter: "a/9" }))).toEqual(["b/1", "b/2"]);
    expect(await keys(adapter.list("b/", { startAfter: "b/1" }))).toEqual(["b/2"]);
    expect(await keys(adapter.list("b/", { startAfter: "b/2" }))).toEqual([]);
  });

  it("keeps metadata, content type, mode, mtime and md5; entries are copies", async () => {
    const adapter = new MemoryAdapter({ name: "meta" });
    const result = await adapter.write("x", body("hello"), { mtime: 1234.5, contentType: "text/plain", metadata: { a: "1" }, mode: 0o600 });
    expect(result).toMatchObject({ size: 5, mtime: 1234.5, hashes: { md5: "5d41402abc4b2a76b9719d911017c592" } });
    const entry = (await adapter.stat("x"))!;
    expect(entry).toMatchObject({ key: "x", size: 5, mtime: 1234.5, contentType: "text/plain", metadata: { a: "1" }, mode: 0o600, etag: "5d41402abc4b2a76b9719d911017c592" });
    entry.metadata!.a = "changed";
    expect((await adapter.stat("x"))!.metadata).toEqual({ a: "1" });
    expect(await adapter.hash("x", "sha256")).toBe("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
  });

  it("refuses attributes it cannot keep, and detects short bodies and wrong hashes", async () => {
    const adapter = memory({ name: "meta" });
    expect(() => adapter.checkWriteMeta!({ storageClass: "GLACIER" })).toThrow(/storageClass/);
    const unsupported = await rejection(adapter.write("s", body(""), { symlinkTarget: "t" }));
    expect(isFerryError(unsupported) && unsupported.code).toBe("Unsupported");
    const short = await rejection(adapter.write("short", body("abc"), { size: 10 }));
    expect(isFerryError(short) && short.code).toBe("Integrity");
    const wrong = await rejection(adapter.write("wrong", body("abc"), { hashes: { md5: "0".repeat(32) } }));
    expect(isFerryError(wrong) && wrong.code).toBe("Integrity");
    expect(await keys(adapter.list())).toEqual([]);
  });

  it("copies server-side between stores and refuses other adapters", async () => {
    const a = memory({ name: "shared" });
    const b = new MemoryAdapter({ name: "other", prefix: "dst" });
    await a.write("src", body("payload"), { mtime: 1000 });
    await b.copy(a, "src", "copied", { mtime: 2000 });
    expect(await text(await b.read("copied"))).toBe("payload");
    expect((await b.stat("copied"))!.mtime).toBe(2000);
    const foreign = { ...a, name: "local" } as unknown as MemoryAdapter;
    const refused = await rejection(b.copy(foreign, "src", "x", {}));
    expect(isFerryError(refused) && refused.code).toBe("Unsupported");
  });

  it("aborting a read destroys its stream with Aborted", async () => {
    const adapter = memory({ name: "meta" });
    await adapter.write("big", Readable.from([Buffer.alloc(3 * 1024 * 1024)]), {});
    const controller = new AbortController();
    const stream = await adapter.read("big", { signal: controller.signal });
    controller.abort();
    const error = await rejection(text(stream));
    expect(isFerryError(error) && error.code).toBe("Aborted");
  });
});
