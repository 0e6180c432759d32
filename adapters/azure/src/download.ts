import { Readable } from "node:stream";
import type { BlobClient } from "@azure/storage-blob";
import { orderedRangedDownload, type ByteRange } from "@ferry/core";
import { describeAzureError, toAzureError, type AzureErrorContext } from "./errors.js";

export interface ParallelReads {
  partSize: number;
  /** 1 = one stream per blob */
  concurrency: number;
}

/**
 * A streamed download. The SDK's stream resumes by itself from the last byte received when the
 * connection drops mid-body (`maxRetryRequests`). A whole blob bigger than two parts is read as
 * parallel ranged downloads pinned to the first response's etag and handed out in order (core's
 * orderedRangedDownload): one stream rarely fills a fast link to the service.
 */
export async function openBlob(
  blob: BlobClient,
  range: ByteRange | undefined,
  signal: AbortSignal | undefined,
  errorContext: AzureErrorContext,
  parallel: ParallelReads = { partSize: 8 * 1024 * 1024, concurrency: 1 },
): Promise<Readable> {
  if (range && range.end !== undefined && range.end < range.start) return Readable.from([]);
  const offset = range?.start ?? 0;
  const count = range?.end !== undefined ? range.end - range.start + 1 : undefined;
  try {
    const res = await blob.download(offset, count, { maxRetryRequests: 5, ...(signal ? { abortSignal: signal } : {}) });
    const body = (res.readableStreamBody as Readable | undefined) ?? Readable.from([]);
    const size = res.contentLength ?? 0;
    if (range) return body;
    const etag = res.etag;
    return orderedRangedDownload({
      first: body,
      size,
      partSize: parallel.partSize,
      concurrency: parallel.concurrency,
      ...(signal ? { signal } : {}),
      fetchRange: (start, end, partSignal) =>
        blob.downloadToBuffer(start, end - start + 1, {
          abortSignal: partSignal,
          concurrency: 1,
          maxRetryRequestsPerBlock: 3,
          ...(etag ? { conditions: { ifMatch: etag } } : {}),
        }),
      mapError: (e) => toAzureError(e, errorContext),
    });
  } catch (e) {
    // a range starting at or past the end has no bytes (Azure answers 416, a file would give nothing)
    const { code, status } = describeAzureError(e);
    if (range && (code === "InvalidRange" || status === 416)) return Readable.from([]);
    throw toAzureError(e, errorContext);
  }
}
