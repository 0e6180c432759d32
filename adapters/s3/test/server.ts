import { randomBytes } from "node:crypto";
import { CreateBucketCommand, DeleteBucketCommand, DeleteObjectsCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { s3, type S3Adapter, type S3AdapterOptions } from "../src/index.js";

/**
 * The s3rver that tooling/test-servers started. Without it these tests fail — a missing server
 * must never look like a passing run.
 */
export function s3Server(): { endpoint: string; accessKeyId: string; secretAccessKey: string; region: string } {
  const need = (name: string): string => {
    const v = process.env[name];
    if (!v) {
      throw new Error(
        `${name} is not set: the S3 tests need the s3rver test server. Run them with ` +
          "`node tooling/test-servers/bin/with-servers.mjs --only s3 -- npx vitest run` (from the repository root or adapters/s3).",
      );
    }
    return v;
  };
  return {
    endpoint: need("FERRY_TEST_S3_ENDPOINT"),
    accessKeyId: need("FERRY_TEST_S3_ACCESS_KEY_ID"),
    secretAccessKey: need("FERRY_TEST_S3_SECRET_ACCESS_KEY"),
    region: process.env.FERRY_TEST_S3_REGION ?? "us-east-1",
  };
}

export function rawClient(): S3Client {
  const s = s3Server();
  return new S3Client({
    endpoint: s.endpoint,
    region: s.region,
    forcePathStyle: true,
    credentials: { accessKeyId: s.accessKeyId, secretAccessKey: s.secretAccessKey },
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
}

/** A fresh bucket per test file, so files can run in parallel against one server. */
export async function createBucket(client: S3Client, label: string): Promise<string> {
  const bucket = `ferry-${label}-${randomBytes(4).toString("hex")}`;
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  return bucket;
}

export async function removeBucket(client: S3Client, bucket: string): Promise<void> {
  for (;;) {
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket }));
    const keys = (page.Contents ?? []).map((o) => ({ Key: o.Key! }));
    if (keys.length === 0) break;
    await client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys, Quiet: true } }));
  }
  await client.send(new DeleteBucketCommand({ Bucket: bucket }));
}

export function testAdapter(bucket: string, extra: Partial<S3AdapterOptions> = {}): S3Adapter {
  const s = s3Server();
  return s3({
    bucket,
    endpoint: s.endpoint,
    region: s.region,
    credentials: { accessKeyId: s.accessKeyId, secretAccessKey: s.secretAccessKey },
    ...extra,
  });
}
