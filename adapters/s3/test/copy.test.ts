import { HeadObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { canCopyServerSide } from "@ferry/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MiB, bodyOf, md5hex, randomData, readAll } from "./bodies.js";
import { createBucket, rawClient, removeBucket, s3Server, testAdapter } from "./server.js";

let admin: S3Client;
let bucketA: string;
let bucketB: string;

beforeAll(async () => {
  admin = rawClient();
  bucketA = await createBucket(admin, "copy-a");
  bucketB = await createBucket(admin, "copy-b");
});
afterAll(async () => {
  if (!admin) return; // the server was missing: beforeAll already failed the file
  await removeBucket(admin, bucketA);
  await removeBucket(admin, bucketB);
  admin.destroy();
});

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

describe("S3 server-side copy", () => {
  it("copies across prefixes and buckets of one account without moving bytes, setting the new mtime", async () => {
    const src = testAdapter(bucketA, { prefix: "src/" });
    const sameBucket = testAdapter(bucketA, { prefix: "dst/" });
    const otherBucket = testAdapter(bucketB, { prefix: "elsewhere/" });
    expect(canCopyServerSide(src, sameBucket)).toBe(true);
    expect(canCopyServerSide(src, otherBucket)).toBe(true);

    const data = randomData(50_000);
    const key = "odd name+#?%.txt";
    await src.write(key, bodyOf(data), { size: data.length, mtime: 1_500_000_000_000, contentType: "text/plain", cacheControl: "no-cache", metadata: { a: "1" } });
    for (const dst of [sameBucket, otherBucket]) {
      const commands = recordCommands(dst.client);
      const res = await dst.copy(src, key, `copied/${key}`, { mtime: 1_500_000_000_500 });
      expect(commands).toEqual(["HeadObjectCommand", "CopyObjectCommand"]);
      expect(res).toMatchObject({ size: data.length, etag: md5hex(data), mtime: 1_500_000_000_500 });
      expect(md5hex(await readAll(await dst.read(`copied/${key}`)))).toBe(md5hex(data));
      // REPLACE restates the source's attributes, with the new mtime
      expect(await dst.stat(`copied/${key}`)).toMatchObject({ mtime: 1_500_000_000_500, contentType: "text/plain", metadata: { a: "1" } });
      const head = await admin.send(new HeadObjectCommand({ Bucket: dst.bucket, Key: dst.objectKey(`copied/${key}`) }));
      expect(head.CacheControl).toBe("no-cache");
    }
    expect(md5hex(await readAll(await src.read(key)))).toBe(md5hex(data));
    await Promise.all([src.close(), sameBucket.close(), otherBucket.close()]);
  });

  it("copies in parts (UploadPartCopy) above the copy threshold", async () => {
    const src = testAdapter(bucketA, { prefix: "big/" });
    const dst = testAdapter(bucketB, { prefix: "big-copy/", multipartCopyThreshold: 5 * MiB, multipartChunkSize: 5 * MiB });
    const data = randomData(11 * MiB + 7);
    await src.write("large.bin", bodyOf(data), { size: data.length, mtime: 1_234_000 });
    const commands = recordCommands(dst.client);
    const res = await dst.copy(src, "large.bin", "large.bin", { mtime: 1_234_000 });
    expect(commands.filter((c) => c === "UploadPartCopyCommand")).toHaveLength(3);
    expect(res.size).toBe(data.length);
    expect(md5hex(await readAll(await dst.read("large.bin")))).toBe(md5hex(data));
    expect((await dst.stat("large.bin"))?.mtime).toBe(1_234_000);
    await Promise.all([src.close(), dst.close()]);
  });

  it("refuses to copy server-side between different accounts", async () => {
    const s = s3Server();
    const src = testAdapter(bucketA, { prefix: "src/" });
    const foreign = testAdapter(bucketB, { credentials: { accessKeyId: "SOMEONE-ELSE", secretAccessKey: s.secretAccessKey } });
    expect(canCopyServerSide(src, foreign)).toBe(false);
    await expect(foreign.copy(src, "x", "y", {})).rejects.toMatchObject({ code: "Unsupported" });
    await Promise.all([src.close(), foreign.close()]);
  });

  it("a missing source is NotFound", async () => {
    const src = testAdapter(bucketA, { prefix: "src/" });
    const dst = testAdapter(bucketA, { prefix: "dst/" });
    await expect(dst.copy(src, "does-not-exist", "x", {})).rejects.toMatchObject({ code: "NotFound", adapter: "s3" });
    await Promise.all([src.close(), dst.close()]);
  });
});
