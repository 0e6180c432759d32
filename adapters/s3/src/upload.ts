import { createHash } from "node:crypto";
import type { Readable } from "node:stream";
import { BodyReader } from "@ferry/core";
import { PutObjectCommand, UploadPartCommand, type S3Client } from "@aws-sdk/client-s3";
import type { ObjectAttributes } from "./attributes.js";
import { runMultipartUpload, type PartJob } from "./multipart.js";
import { fitPartSize } from "./part-size.js";
import type { SignedPut } from "./signed-put.js";

export interface UploadRequest {
  bucket: string;
  key: string;
  attributes: ObjectAttributes;
  /** expected size, when the caller knows it */
  size?: number;
  threshold: number;
  chunkSize: number;
  concurrency: number;
  signal?: AbortSignal;
  onProgress?: (bytes: number) => void;
  /** sends single-part PutObjects without the SDK (see signed-put.ts) */
  signedPut?: SignedPut;
}

export interface UploadResult {
  etag: string | undefined;
  size: number;
  /** MD5 of the whole body, known for single-request uploads */
  md5?: string;
}

/**
 * Streams `body` to S3. Bodies below the threshold (or of unknown size that turn out to be
 * small) are read into memory — at most `threshold` bytes — and sent in one PutObject with a
 * Content-MD5, which S3 verifies and which lets the SDK retry the request on its own. Larger
 * bodies go up in parts of `fitPartSize` bytes with `concurrency` parts in flight, so memory
 * stays at about (concurrency + 1) × part size per object whatever the object's size.
 */
export async function uploadObject(client: S3Client, body: Readable, req: UploadRequest): Promise<UploadResult> {
  const reader = new BodyReader(body, req.onProgress);
  // a body that stalls must not hold an aborted upload open: destroying it ends the wait
  const onAbort = () => body.destroy(abortError(req.signal));
  req.signal?.addEventListener("abort", onAbort, { once: true });
  try {
    let head: Buffer[] = [];
    if (req.size === undefined || req.size < req.threshold) {
      const ended = await reader.fill(req.threshold, req.signal);
      head = reader.take();
      if (ended) return await putSmall(client, Buffer.concat(head), req);
    }
    return await putMultipart(client, reader, head, req);
  } finally {
    req.signal?.removeEventListener("abort", onAbort);
    reader.release();
  }
}

function abortError(signal: AbortSignal | undefined): Error {
  const reason: unknown = signal?.reason;
  if (reason instanceof Error && reason.name === "AbortError") return reason;
  return Object.assign(new Error("the write was aborted"), { name: "AbortError", cause: reason });
}

async function putSmall(client: S3Client, data: Buffer, req: UploadRequest): Promise<UploadResult> {
  const md5 = createHash("md5").update(data);
  if (req.signedPut) {
    const etag = await req.signedPut.put({ bucket: req.bucket, key: req.key, body: data, md5Base64: md5.copy().digest("base64"), attributes: req.attributes, signal: req.signal });
    return { etag, size: data.length, md5: md5.digest("hex") };
  }
  const res = await client.send(
    new PutObjectCommand({
      Bucket: req.bucket,
      Key: req.key,
      Body: data,
      ContentLength: data.length,
      ContentMD5: md5.copy().digest("base64"),
      ...req.attributes,
    }),
    { abortSignal: req.signal },
  );
  return { etag: res.ETag, size: data.length, md5: md5.digest("hex") };
}

async function putMultipart(client: S3Client, reader: BodyReader, head: Buffer[], req: UploadRequest): Promise<UploadResult> {
  const partSize = fitPartSize(req.size, req.chunkSize);
  let total = 0;
  async function* jobs(): AsyncGenerator<PartJob> {
    for await (const part of reader.parts(partSize, head, req.signal, { atLeastOnePart: true })) {
      total += part.length;
      yield (uploadId, partNumber, signal) => uploadPart(client, req, uploadId, partNumber, part, signal);
    }
  }
  const { etag } = await runMultipartUpload(
    client,
    { Bucket: req.bucket, Key: req.key, ...req.attributes },
    jobs(),
    { concurrency: req.concurrency, signal: req.signal },
  );
  return { etag, size: total };
}

async function uploadPart(client: S3Client, req: UploadRequest, uploadId: string, partNumber: number, data: Buffer, signal: AbortSignal): Promise<string> {
  const res = await client.send(
    new UploadPartCommand({
      Bucket: req.bucket,
      Key: req.key,
      UploadId: uploadId,
      PartNumber: partNumber,
      Body: data,
      ContentLength: data.length,
      ContentMD5: createHash("md5").update(data).digest("base64"),
    }),
    { abortSignal: signal },
  );
  if (!res.ETag) throw new Error(`UploadPart ${partNumber} returned no ETag`);
  return res.ETag;
}
