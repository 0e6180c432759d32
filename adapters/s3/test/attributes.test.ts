import { HeadObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { FerryError, type WriteMeta } from "@ferry/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MiB, bodyOf, randomData } from "./bodies.js";
import { createBucket, rawClient, removeBucket, testAdapter } from "./server.js";

let admin: S3Client;
let bucket: string;

beforeAll(async () => {
  admin = rawClient();
  bucket = await createBucket(admin, "attrs");
});
afterAll(async () => {
  if (!admin) return; // the server was missing: beforeAll already failed the file
  await removeBucket(admin, bucket);
  admin.destroy();
});

const attributes = {
  contentType: "text/html; charset=utf-8",
  cacheControl: "max-age=3600, public",
  contentDisposition: 'attachment; filename="report.html"',
  metadata: { owner: "team-a", "Build-Id": "42" },
};

describe("S3 object attributes", () => {
  it.each([
    ["single PutObject", 1000],
    ["multipart", 6 * MiB],
  ])("round-trip content type, cache control, disposition and metadata (%s)", async (_, size) => {
    const adapter = testAdapter(bucket, { prefix: "attrs/", multipartThreshold: 5 * MiB, multipartChunkSize: 5 * MiB });
    const key = `page-${size}.html`;
    await adapter.write(key, bodyOf(randomData(size)), { size, mtime: 1_600_000_000_000, storageClass: "STANDARD", ...attributes });
    const head = await admin.send(new HeadObjectCommand({ Bucket: bucket, Key: `attrs/${key}` }));
    expect(head.ContentType).toBe(attributes.contentType);
    expect(head.CacheControl).toBe(attributes.cacheControl);
    expect(head.ContentDisposition).toBe(attributes.contentDisposition);
    // S3 lower-cases metadata keys; the adapter sends them that way so what comes back is what went out
    expect(head.Metadata).toEqual({ owner: "team-a", "build-id": "42", mtime: "1600000000" });
    const entry = await adapter.stat(key);
    expect(entry).toMatchObject({ key, size, contentType: attributes.contentType, mtime: 1_600_000_000_000, metadata: { owner: "team-a", "build-id": "42" } });
    await adapter.close();
  });

  it("rejects Azure's access tier by naming the option, before anything is written", async () => {
    const adapter = testAdapter(bucket, { prefix: "attrs/" });
    let error: unknown;
    try {
      adapter.checkWriteMeta({ accessTier: "Cool" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FerryError);
    expect((error as FerryError).code).toBe("Unsupported");
    expect((error as FerryError).message).toContain("--access-tier");
    await expect(adapter.write("tiered.txt", bodyOf(Buffer.from("x")), { size: 1, accessTier: "Cool" })).rejects.toMatchObject({ code: "Unsupported" });
    expect(await adapter.stat("tiered.txt")).toBeUndefined();
    await adapter.close();
  });

  it("refuses values S3 would reject", () => {
    const adapter = testAdapter(bucket);
    const invalid: WriteMeta[] = [{ acl: "everyone" }, { sse: "rot13" }, { sse: "AES256", sseKmsKeyId: "k" }, { storageClass: "cold storage" }, { metadata: { "bad key": "v" } }, { metadata: { k: "naïve" } }];
    for (const meta of invalid) {
      expect(() => adapter.checkWriteMeta(meta), JSON.stringify(meta)).toThrow(expect.objectContaining({ code: "Usage" }));
    }
    expect(() => adapter.checkWriteMeta({ acl: "private", sse: "aws:kms", sseKmsKeyId: "arn:aws:kms:…", storageClass: "STANDARD_IA" })).not.toThrow();
  });
});
