import { Readable } from "node:stream";
import { GetObjectCommand, type GetObjectCommandOutput, type S3Client } from "@aws-sdk/client-s3";
import { isRetryable, type ByteRange } from "@ferry/core";
import { describeSdkError, toS3Error, type S3ErrorContext } from "./errors.js";

export interface DownloadRequest {
  bucket: string;
  key: string;
  range?: ByteRange;
  partSize: number;
  concurrency: number;
  signal?: AbortSignal;
  errorContext: S3ErrorContext;
}

/**
 * Opens an object for reading. A range is one ranged GET. A whole object is one GET, and when
 * it turns out bigger than two parts (and concurrency allows) the rest is fetched as parallel
 * ranged GETs pinned to the first response's etag and handed out in order, holding at most
 * `concurrency` parts in memory — one TCP stream rarely fills a fast link to S3.
 */
export async function openObject(client: S3Client, req: DownloadRequest): Promise<Readable> {
  if (req.range) return openRange(client, req, req.range);
  const first = await get(client, req, {});
  const size = first.ContentLength ?? 0;
  const body = first.Body as Readable;
  if (req.concurrency <= 1 || size <= 2 * req.partSize) return body;
  return Readable.from(partsInOrder(client, req, body, size, first.ETag), { objectMode: false, highWaterMark: 0 });
}

async function openRange(client: S3Client, req: DownloadRequest, range: ByteRange): Promise<Readable> {
  if (range.end !== undefined && range.end < range.start) return Readable.from([]);
  try {
    const res = await get(client, req, { Range: `bytes=${range.start}-${range.end ?? ""}` }, true);
    return res.Body as Readable;
  } catch (e) {
    // a range that starts at or past the end (including any range of an empty object) has no
    // bytes; S3 answers 416 where reading a file past its end simply yields nothing
    const { code, status } = describeSdkError(e);
    if (code === "InvalidRange" || status === 416) return Readable.from([]);
    throw toS3Error(e, req.errorContext);
  }
}

async function get(client: S3Client, req: DownloadRequest, extra: { Range?: string; IfMatch?: string }, raw = false): Promise<GetObjectCommandOutput> {
  try {
    return await client.send(new GetObjectCommand({ Bucket: req.bucket, Key: req.key, ...extra }), { abortSignal: req.signal });
  } catch (e) {
    if (raw) throw e;
    throw toS3Error(e, req.errorContext);
  }
}

async function* partsInOrder(client: S3Client, req: DownloadRequest, firstBody: Readable, size: number, etag: string | undefined): AsyncGenerator<Buffer> {
  const stop = new AbortController();
  const onAbort = () => stop.abort(req.signal?.reason);
  req.signal?.addEventListener("abort", onAbort, { once: true });
  const partReq: DownloadRequest = { ...req, signal: stop.signal };
  const count = Math.ceil(size / req.partSize);
  const fetchPart = (i: number): Promise<Buffer> => {
    if (i === 0) return readPrefix(firstBody, req.partSize);
    const start = i * req.partSize;
    const end = Math.min(size, start + req.partSize) - 1;
    return fetchRange(client, partReq, start, end, etag);
  };
  const window: Promise<Buffer>[] = [];
  let next = 0;
  try {
    while (next < count && window.length < req.concurrency) window.push(fetchPart(next++));
    while (window.length > 0) {
      const part = await window.shift()!;
      if (next < count) window.push(fetchPart(next++));
      yield part;
    }
  } finally {
    stop.abort();
    firstBody.destroy();
    for (const p of window) p.catch(() => undefined);
    req.signal?.removeEventListener("abort", onAbort);
  }
}

/** The first `bytes` bytes of a response; the rest of it is dropped (the connection with it). */
async function readPrefix(body: Readable, bytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let have = 0;
  for await (const chunk of body) {
    const b = chunk as Buffer;
    const need = bytes - have;
    chunks.push(b.length > need ? b.subarray(0, need) : b);
    have += Math.min(b.length, need);
    if (have >= bytes) break; // leaving the loop destroys the response
  }
  if (have < bytes) throw new Error(`the response ended after ${have} of ${bytes} bytes`);
  return Buffer.concat(chunks, have);
}

/** One part, retried a few times on connection trouble mid-body (the SDK retries only until headers). */
async function fetchRange(client: S3Client, req: DownloadRequest, start: number, end: number, etag: string | undefined): Promise<Buffer> {
  for (let attempt = 1; ; attempt++) {
    try {
      const res = await get(client, req, { Range: `bytes=${start}-${end}`, ...(etag ? { IfMatch: etag } : {}) });
      const bytes = await res.Body!.transformToByteArray();
      if (bytes.length !== end - start + 1) throw new Error(`range ${start}-${end} returned ${bytes.length} bytes`);
      return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
    } catch (e) {
      const mapped = toS3Error(e, req.errorContext);
      if (attempt >= 3 || !(mapped.retryable || isRetryable(e)) || req.signal?.aborted) throw mapped;
      await new Promise((r) => setTimeout(r, 100 * 2 ** attempt));
    }
  }
}
