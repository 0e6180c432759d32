import { Readable } from "node:stream";
import { GetObjectCommand, type GetObjectCommandOutput, type S3Client } from "@aws-sdk/client-s3";
import { orderedRangedDownload, type ByteRange } from "@ferry/core";
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
 * ranged GETs pinned to the first response's etag and handed out in order (core's
 * orderedRangedDownload), holding at most `concurrency` parts in memory.
 */
export async function openObject(client: S3Client, req: DownloadRequest): Promise<Readable> {
  if (req.range) return openRange(client, req, req.range);
  const first = await get(client, req, {});
  const size = first.ContentLength ?? 0;
  const body = first.Body as Readable;
  const etag = first.ETag;
  return orderedRangedDownload({
    first: body,
    size,
    partSize: req.partSize,
    concurrency: req.concurrency,
    ...(req.signal ? { signal: req.signal } : {}),
    fetchRange: async (start, end, signal) => {
      const res = await get(client, { ...req, signal }, { Range: `bytes=${start}-${end}`, ...(etag ? { IfMatch: etag } : {}) });
      return res.Body!.transformToByteArray();
    },
    mapError: (e) => toS3Error(e, req.errorContext),
  });
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
