import { Readable } from "node:stream";
import type { BlobServiceClient, ContainerClient } from "@azure/storage-blob";
import { canCopyServerSide } from "@ferry/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MiB, bodyOf, md5hex, randomData, readAll } from "./bodies.js";
import { azureServer, createContainer, rawService, testAdapter } from "./server.js";
import { azure } from "../src/index.js";

let service: BlobServiceClient;
let one: ContainerClient;
let two: ContainerClient;

beforeAll(async () => {
  service = rawService();
  one = await createContainer(service, "up-one");
  two = await createContainer(service, "up-two");
});
afterAll(async () => {
  await one?.deleteIfExists();
  await two?.deleteIfExists();
});

const small = { multipartThreshold: 4 * MiB, multipartChunkSize: 2 * MiB, partConcurrency: 3 };

describe("Azure writes", () => {
  it("stages blocks above the threshold and commits them with the whole-body Content-MD5", async () => {
    const adapter = testAdapter(one.containerName, { prefix: "blocks/", ...small });
    const data = randomData(9 * MiB + 5);
    const progress: number[] = [];
    const res = await adapter.write("big.bin", bodyOf(data), { size: data.length, mtime: 1_000_000, contentType: "application/x-test" }, { onProgress: (n) => progress.push(n) });
    expect(res).toMatchObject({ size: data.length, hashes: { md5: md5hex(data) }, mtime: 1_000_000 });
    expect(progress.at(-1)).toBe(data.length);
    const blocks = await one.getBlockBlobClient("blocks/big.bin").getBlockList("committed");
    expect(blocks.committedBlocks).toHaveLength(5);
    expect(await adapter.stat("big.bin")).toMatchObject({ size: data.length, mtime: 1_000_000, hashes: { md5: md5hex(data) }, contentType: "application/x-test" });
    expect(md5hex(await readAll(await adapter.read("big.bin")))).toBe(md5hex(data));
    // unknown size takes the same path once the head passes the threshold
    await adapter.write("unknown.bin", bodyOf(data), {});
    expect(await adapter.hash("unknown.bin", "md5")).toBe(md5hex(data));
  });

  it("aborting mid-upload rejects with Aborted and commits nothing", async () => {
    const adapter = testAdapter(one.containerName, { prefix: "abort/", ...small });
    await adapter.write("kept.bin", bodyOf(Buffer.from("previous")), { size: 8 });
    const body = new Readable({ read() {} });
    body.push(randomData(5 * MiB));
    const controller = new AbortController();
    const writing = adapter.write("kept.bin", body, { size: 20 * MiB }, { signal: controller.signal });
    await new Promise((r) => setTimeout(r, 200));
    controller.abort();
    await expect(writing).rejects.toMatchObject({ code: "Aborted", adapter: "azure", key: "kept.bin" });
    expect((await readAll(await adapter.read("kept.bin"))).toString()).toBe("previous");
    const blocks = await one.getBlockBlobClient("abort/kept.bin").getBlockList("committed");
    expect(blocks.committedBlocks ?? []).toHaveLength(0);
    expect(body.destroyed).toBe(true);
  });

  it("a failing body leaves the previous blob in place", async () => {
    const adapter = testAdapter(one.containerName, { prefix: "fail/", ...small });
    await adapter.write("kept.bin", bodyOf(Buffer.from("previous")), { size: 8 });
    async function* failing() {
      yield randomData(5 * MiB);
      throw new Error("disk read failed");
    }
    await expect(adapter.write("kept.bin", Readable.from(failing()), {})).rejects.toThrow(/disk read failed/);
    expect((await readAll(await adapter.read("kept.bin"))).toString()).toBe("previous");
  });

  it("round-trips attributes, metadata with non-identifier names, and the access tier", async () => {
    const adapter = testAdapter(one.containerName, { prefix: "attrs/" });
    await adapter.write("page.html", bodyOf(Buffer.from("<p>")), {
      size: 3,
      contentType: "text/html",
      cacheControl: "max-age=60",
      contentDisposition: "inline",
      metadata: { owner: "me", "build-id": "42" },
      accessTier: "cool",
    });
    const props = await one.getBlobClient("attrs/page.html").getProperties();
    expect(props).toMatchObject({ contentType: "text/html", cacheControl: "max-age=60", contentDisposition: "inline", accessTier: "Cool" });
    expect(await adapter.stat("page.html")).toMatchObject({ contentType: "text/html", metadata: { owner: "me", "build-id": "42" } });
    await expect(adapter.write("x", bodyOf(Buffer.from("x")), { size: 1, storageClass: "GLACIER" })).rejects.toMatchObject({ code: "Unsupported" });
  });
});

describe("Azure server-side copy", () => {
  it("copies across prefixes and containers of one account, setting the new mtime and keeping attributes", async () => {
    const src = testAdapter(one.containerName, { prefix: "src/" });
    const samePlace = testAdapter(one.containerName, { prefix: "dst/" });
    const otherContainer = testAdapter(two.containerName, { prefix: "elsewhere/" });
    expect(canCopyServerSide(src, samePlace)).toBe(true);
    expect(canCopyServerSide(src, otherContainer)).toBe(true);
    const data = randomData(300_000);
    const key = "odd name+#?%.bin";
    await src.write(key, bodyOf(data), { size: data.length, mtime: 5_000, contentType: "application/x-a", metadata: { "build-id": "9" } });
    for (const dst of [samePlace, otherContainer]) {
      const res = await dst.copy(src, key, `copied/${key}`, { mtime: 6_000 });
      expect(res.size).toBe(data.length);
      expect(await dst.stat(`copied/${key}`)).toMatchObject({ mtime: 6_000, contentType: "application/x-a", metadata: { "build-id": "9" }, hashes: { md5: md5hex(data) } });
      expect(md5hex(await readAll(await dst.read(`copied/${key}`)))).toBe(md5hex(data));
    }
    // new content headers replace the copied ones, the MD5 stays
    await samePlace.copy(src, key, "retyped.bin", { contentType: "text/plain" });
    expect(await samePlace.stat("retyped.bin")).toMatchObject({ contentType: "text/plain", mtime: 5_000, hashes: { md5: md5hex(data) } });
  });

  it("refuses server-side copy between accounts", async () => {
    const s = azureServer();
    const src = testAdapter(one.containerName);
    const foreign = azure({ container: two.containerName, account: "someoneelse", accountKey: s.accountKey, endpoint: "http://127.0.0.1:1/someoneelse" });
    expect(canCopyServerSide(src, foreign)).toBe(false);
    await expect(foreign.copy(src, "x", "y", {})).rejects.toMatchObject({ code: "Unsupported" });
  });
});
