import { Readable } from "node:stream";
import {
  AbortMultipartUploadCommand,
  CreateMultipartUploadCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  UploadPartCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MiB, bodyOf, md5hex, randomData, readAll } from "./bodies.js";
import { createBucket, rawClient, removeBucket, testAdapter } from "./server.js";

let admin: S3Client;
let bucket: string;

beforeAll(async () => {
  admin = rawClient();
  bucket = await createBucket(admin, "upload");
});
afterAll(async () => {
  if (!admin) return; // the server was missing: beforeAll already failed the file
  await removeBucket(admin, bucket);
  admin.destroy();
});

/** Records the S3 commands an adapter's client sends. */
function recordCommands(client: S3Client): string[] {
  const names: string[] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      names.push(context.commandName!);
      return next(args);
    },
    { step: "initialize", name: `record-${Math.random()}` },
  );
  return names;
}

async function pendingUploads(): Promise<string[]> {
  const res = await admin.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
  return (res.Uploads ?? []).map((u) => u.Key!);
}

const small = { multipartThreshold: 5 * MiB, multipartChunkSize: 5 * MiB, partConcurrency: 2 };

describe("the S3 test server", () => {
  // the abort tests below race parts against AbortMultipartUpload; this once crashed s3rver
  // and with it every later S3 test (tooling/test-servers, s3rver.mjs point 7)
  it("answers a part for an aborted upload with NoSuchUpload and stays up", async () => {
    const { UploadId } = await admin.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: "raced.bin" }));
    await admin.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: "raced.bin", UploadId }));
    const late = admin.send(new UploadPartCommand({ Bucket: bucket, Key: "raced.bin", UploadId, PartNumber: 1, Body: Buffer.alloc(1024, 1) }));
    await expect(late).rejects.toMatchObject({ name: "NoSuchUpload" });
    expect(await pendingUploads()).not.toContain("raced.bin");
    await expect(admin.send(new ListMultipartUploadsCommand({ Bucket: bucket }))).resolves.toBeDefined();
  });
});

describe("S3 writes", () => {
  it.each([
    ["signed directly", {}, []],
    ["through the SDK (fastPut: false)", { fastPut: false }, ["PutObjectCommand"]],
  ])("sends a body below the threshold as one PutObject with the mtime in metadata, %s", async (_, extra, sdkCommands) => {
    const adapter = testAdapter(bucket, { prefix: "put/", ...extra });
    const commands = recordCommands(adapter.client);
    const data = randomData(100_000);
    const res = await adapter.write("one.bin", bodyOf(data), { size: data.length, mtime: 1_700_000_000_123.5 });
    expect(commands).toEqual(sdkCommands);
    expect(res).toMatchObject({ size: data.length, etag: md5hex(data), hashes: { md5: md5hex(data) } });
    const head = await admin.send(new HeadObjectCommand({ Bucket: bucket, Key: "put/one.bin" }));
    expect(head.Metadata).toEqual({ mtime: "1700000000.124" });
    const entry = await adapter.stat("one.bin");
    expect(entry?.mtime).toBe(1_700_000_000_124);
    await adapter.close();
  });

  it("uploads above the threshold in parts, with known or unknown size, and reads back the same bytes", async () => {
    const adapter = testAdapter(bucket, { prefix: "mp/", ...small });
    const commands = recordCommands(adapter.client);
    const data = randomData(12 * MiB + 123);
    const progress: number[] = [];
    const res = await adapter.write("known.bin", bodyOf(data), { size: data.length, mtime: 1_000_000 }, { onProgress: (n) => progress.push(n) });
    expect(res.size).toBe(data.length);
    expect(commands.filter((c) => c === "UploadPartCommand")).toHaveLength(3);
    expect(commands).toContain("CompleteMultipartUploadCommand");
    expect(progress.at(-1)).toBe(data.length);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));

    commands.length = 0;
    await adapter.write("unknown.bin", bodyOf(data), { mtime: 1_000_000 });
    expect(commands.filter((c) => c === "UploadPartCommand")).toHaveLength(3);

    for (const key of ["known.bin", "unknown.bin"]) {
      expect(md5hex(await readAll(await adapter.read(key)))).toBe(md5hex(data));
      expect((await adapter.stat(key))?.mtime).toBe(1_000_000);
    }
    expect(await pendingUploads()).toEqual([]);
    await adapter.close();
  });

  it("uses one PutObject for a body of unknown size that turns out small", async () => {
    const adapter = testAdapter(bucket, { prefix: "mp/", ...small });
    const commands = recordCommands(adapter.client);
    await adapter.write("tiny-unknown.txt", bodyOf(Buffer.from("hello")), {});
    // the direct PutObject: no SDK command, one object
    expect(commands).toEqual([]);
    expect((await adapter.stat("tiny-unknown.txt"))?.size).toBe(5);
    await adapter.close();
  });

  it("sends small objects through a caller-supplied client's SDK stack (its middleware stays in effect)", async () => {
    const client = rawClient();
    const adapter = testAdapter(bucket, { prefix: "own/", client });
    const commands = recordCommands(client);
    await adapter.write("x.txt", bodyOf(Buffer.from("x")), { size: 1 });
    expect(commands).toEqual(["PutObjectCommand"]);
    client.destroy();
  });

  it("direct PutObject: keys needing encoding round-trip, an aborted signal rejects with Aborted", async () => {
    const adapter = testAdapter(bucket, { prefix: "enc/" });
    const keys = ["sp ace/b+c#d.txt", "ü/e!'()*.txt", "q?x=1&y=%20", "😀"];
    for (const key of keys) await adapter.write(key, bodyOf(Buffer.from(key)), { size: Buffer.byteLength(key), contentType: "text/plain" });
    for (const key of keys) expect((await readAll(await adapter.read(key))).toString()).toBe(key);
    expect((await adapter.stat(keys[0]!))?.contentType).toBe("text/plain");
    const controller = new AbortController();
    controller.abort();
    await expect(adapter.write("aborted.txt", bodyOf(Buffer.from("x")), { size: 1 }, { signal: controller.signal })).rejects.toMatchObject({ code: "Aborted" });
    expect(await adapter.stat("aborted.txt")).toBeUndefined();
    await adapter.close();
  });

  it("grows parts to fit the part limit", async () => {
    // 10,000 parts of 5 MiB cannot hold more than ~48.8 GiB; the declared size alone decides
    const { fitPartSize } = await import("../src/part-size.js");
    expect(fitPartSize(60 * 1024 * MiB, 5 * MiB)).toBeGreaterThan(5 * MiB);
  });

  it("aborting mid-upload rejects with Aborted and leaves no object and no pending upload", async () => {
    const adapter = testAdapter(bucket, { prefix: "abort/", ...small });
    const commands = recordCommands(adapter.client);
    // 6 MiB arrive, then the body stalls (a slow disk, a stuck pipe): one part goes up, then we wait
    const body = new Readable({ read() {} });
    body.push(randomData(6 * MiB));
    const controller = new AbortController();
    const writing = adapter.write("stalled.bin", body, { size: 20 * MiB }, { signal: controller.signal });
    await waitFor(() => commands.includes("UploadPartCommand"));
    controller.abort();
    await expect(writing).rejects.toMatchObject({ code: "Aborted", adapter: "s3", key: "stalled.bin" });
    expect(commands).toContain("AbortMultipartUploadCommand");
    expect(await adapter.stat("stalled.bin")).toBeUndefined();
    expect(await pendingUploads()).toEqual([]);
    expect(body.destroyed).toBe(true);
    await adapter.close();
  });

  it("a body failing mid-upload rejects, aborts the upload and keeps the previous object", async () => {
    const adapter = testAdapter(bucket, { prefix: "fail/", ...small });
    await adapter.write("kept.bin", bodyOf(Buffer.from("previous")), { size: 8 });
    const data = randomData(7 * MiB);
    async function* failing() {
      yield data;
      throw Object.assign(new Error("disk read failed"), { code: "EIO" });
    }
    await expect(adapter.write("kept.bin", Readable.from(failing()), { size: 20 * MiB })).rejects.toThrow(/disk read failed/);
    expect((await readAll(await adapter.read("kept.bin"))).toString()).toBe("previous");
    expect(await pendingUploads()).toEqual([]);
    await adapter.close();
  });

  it("keeps a caller-known MD5 for multipart objects, so hash() needs no download", async () => {
    const adapter = testAdapter(bucket, { prefix: "md5/", ...small, etagIsMd5: false });
    const data = randomData(6 * MiB);
    await adapter.write("big.bin", bodyOf(data), { size: data.length, hashes: { md5: md5hex(data) } });
    const commands = recordCommands(adapter.client);
    expect(await adapter.hash("big.bin", "md5")).toBe(md5hex(data));
    expect(commands).toEqual(["HeadObjectCommand"]);
    expect((await adapter.stat("big.bin"))?.metadata).toBeUndefined();
    await adapter.close();
  });

  it("computes MD5 by reading when neither etag nor metadata gives it", async () => {
    const adapter = testAdapter(bucket, { prefix: "md5/", etagIsMd5: false });
    await adapter.write("plain.txt", bodyOf(Buffer.from("abc")), { size: 3 });
    expect(await adapter.hash("plain.txt", "md5")).toBe(md5hex(Buffer.from("abc")));
    await expect(adapter.hash("plain.txt", "sha256")).rejects.toMatchObject({ code: "Unsupported" });
    await adapter.close();
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not reached");
    await new Promise((r) => setTimeout(r, 10));
  }
}
