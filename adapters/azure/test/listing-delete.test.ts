import type { BlobServiceClient, ContainerClient } from "@azure/storage-blob";
import { compareKeys } from "@ferry/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collect, inParallel } from "./bodies.js";
import { createContainer, rawService, testAdapter } from "./server.js";

let service: BlobServiceClient;
let container: ContainerClient;

beforeAll(async () => {
  service = rawService();
  container = await createContainer(service, "listing");
});
afterAll(async () => {
  await container?.deleteIfExists();
});

async function putRaw(names: string[], metadata?: Record<string, string>): Promise<void> {
  await inParallel(names, 16, async (name) => {
    const data = Buffer.from(name);
    await container.getBlockBlobClient(name).upload(data, data.length, metadata ? { metadata } : {});
  });
}

describe("Azure listing", () => {
  it("pages through a small maxPageSize in code point order, with mtime, md5 and metadata from the listing", async () => {
    const names = ["a", "a b", "a-b", "a.txt", "a/x", "b/c/d", "z", "é", "ｆ", "😀", "😀/x", "ｆ/x"];
    await putRaw(names.map((n) => `pages/${n}`), { mtime: "1700000000.5", color: "red" });
    await putRaw(["pages-sibling/not-mine", "pagesX"]);
    const adapter = testAdapter(container.containerName, { prefix: "pages", maxPageSize: 2 });
    const entries = await collect(adapter.list());
    expect(entries.map((e) => e.key)).toEqual([...names].sort(compareKeys));
    for (const e of entries) {
      expect(e.size).toBe(Buffer.byteLength(`pages/${e.key}`));
      expect(e.mtime).toBe(1_700_000_000_500);
      expect(e.hashes?.md5).toMatch(/^[0-9a-f]{32}$/);
      expect(e.metadata).toEqual({ color: "red" });
      expect(e.lastModified).toBeGreaterThan(0);
    }
    expect((await collect(adapter.list("a/"))).map((e) => e.key)).toEqual(["a/x"]);
    expect((await collect(adapter.list("", { startAfter: "z" }))).map((e) => e.key)).toEqual(["é", "ｆ", "ｆ/x", "😀", "😀/x"]);
  });

  it("uses Last-Modified as the mtime of blobs other tools wrote", async () => {
    await putRaw(["foreign/plain.txt"]);
    const adapter = testAdapter(container.containerName, { prefix: "foreign/" });
    const [entry] = await collect(adapter.list());
    expect(entry!.mtime).toBe(entry!.lastModified);
    expect((await adapter.stat("plain.txt"))?.mtime).toBe(entry!.lastModified);
  });
});

describe("Azure batch delete", () => {
  it("deletes more than 1,000 blobs in batches, one outcome per key", async () => {
    const names = Array.from({ length: 1050 }, (_, i) => `many/${String(i).padStart(5, "0")}`);
    await putRaw(names);
    const adapter = testAdapter(container.containerName, { prefix: "many/" });
    const listed = await collect(adapter.list());
    expect(listed).toHaveLength(1050);
    const keys = listed.map((e) => e.key);
    const outcomes = await adapter.delete([...keys, "never-existed"]);
    expect(outcomes.map((o) => o.key)).toEqual([...keys, "never-existed"]);
    expect(outcomes.filter((o) => o.error)).toEqual([]);
    expect(await collect(adapter.list())).toEqual([]);
  });
});
