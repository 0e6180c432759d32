import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { compareKeys } from "@ferry/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collect } from "./bodies.js";
import { createBucket, rawClient, removeBucket, testAdapter } from "./server.js";

let admin: S3Client;
let bucket: string;

beforeAll(async () => {
  admin = rawClient();
  bucket = await createBucket(admin, "listing");
});
afterAll(async () => {
  if (!admin) return; // the server was missing: beforeAll already failed the file
  await removeBucket(admin, bucket);
  admin.destroy();
});

async function putRaw(keys: string[], concurrency = 16): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < keys.length) {
        const key = keys[next++]!;
        await admin.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: Buffer.from(key) }));
      }
    }),
  );
}

describe("S3 listing", () => {
  it("streams small pages in key order, relative to the location prefix, with etag and md5", async () => {
    const names = ["a", "a b", "a-b", "a.txt", "a/x", "b/c/d", "z", "ｆ", "😀"];
    await putRaw(names.map((n) => `pages/${n}`));
    await putRaw(["pages-sibling/not-mine", "pagesX"]);
    const adapter = testAdapter(bucket, { prefix: "pages", pageSize: 2 });
    const entries = await collect(adapter.list());
    expect(entries.map((e) => e.key)).toEqual([...names].sort(compareKeys));
    for (const e of entries) {
      expect(e.size).toBe(Buffer.byteLength(`pages/${e.key}`));
      expect(e.etag).toMatch(/^[0-9a-f]{32}$/);
      expect(e.hashes?.md5).toBe(e.etag);
      // LastModified is upload time, not the source mtime: the listing does not claim one
      expect(e.mtime).toBeUndefined();
      expect(e.lastModified).toBeGreaterThan(Date.now() - 600_000);
    }
    expect((await collect(adapter.list("a/"))).map((e) => e.key)).toEqual(["a/x"]);
    expect((await collect(adapter.list("", { startAfter: "a/x" }))).map((e) => e.key)).toEqual(["b/c/d", "z", "ｆ", "😀"]);
    await adapter.close();
  });

  it("skips folder marker objects, or yields them as directories when asked", async () => {
    await putRaw(["markers/", "markers/dir/", "markers/dir/file"]);
    const adapter = testAdapter(bucket, { prefix: "markers/" });
    expect((await collect(adapter.list())).map((e) => e.key)).toEqual(["dir/file"]);
    const withDirs = await collect(adapter.list("", { dirs: true }));
    expect(withDirs.map((e) => [e.key, e.type])).toEqual([
      ["dir", "dir"],
      ["dir/file", "file"],
    ]);
    await adapter.close();
  });

  it("honours an aborted signal", async () => {
    const adapter = testAdapter(bucket);
    const controller = new AbortController();
    controller.abort();
    await expect(collect(adapter.list("", { signal: controller.signal }))).rejects.toMatchObject({ code: "Aborted" });
    await adapter.close();
  });
});

describe("S3 batch delete", () => {
  it("lists past 1,000 keys and deletes them in batches of 1,000 with one outcome per key", async () => {
    const keys = Array.from({ length: 1100 }, (_, i) => `many/${String(i).padStart(5, "0")}`);
    await putRaw(keys);
    const adapter = testAdapter(bucket, { prefix: "many/" });
    const listed = await collect(adapter.list());
    expect(listed).toHaveLength(1100);
    expect(listed.map((e) => e.key)).toEqual(keys.map((k) => k.slice("many/".length)));

    const sent: number[] = [];
    adapter.client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === "DeleteObjectsCommand") {
          sent.push((args.input as { Delete: { Objects: unknown[] } }).Delete.Objects.length);
        }
        return next(args);
      },
      { step: "initialize", name: "countDeletes" },
    );
    const rel = listed.map((e) => e.key);
    const outcomes = await adapter.delete([...rel, "never-existed"]);
    expect(outcomes).toHaveLength(1101);
    expect(outcomes.map((o) => o.key)).toEqual([...rel, "never-existed"]);
    expect(outcomes.filter((o) => o.error)).toEqual([]);
    expect(sent.sort((a, b) => b - a)).toEqual([1000, 101]);
    expect(await collect(adapter.list())).toEqual([]);
    await adapter.close();
  });

  it("refuses keys that would escape the location", async () => {
    const adapter = testAdapter(bucket, { prefix: "safe/" });
    await expect(adapter.delete(["ok", "../outside"])).rejects.toMatchObject({ code: "InvalidKey" });
    await adapter.close();
  });
});
