import { Readable } from "node:stream";
import type { BlobClient } from "@azure/storage-blob";
import type { ByteRange } from "@ferry/core";
import { describeAzureError, toAzureError, type AzureErrorContext } from "./errors.js";

/**
 * One streamed download. The SDK's stream resumes by itself from the last byte received when
 * the connection drops mid-body (`maxRetryRequests`), which is what big blobs need most.
 */
export async function openBlob(blob: BlobClient, range: ByteRange | undefined, signal: AbortSignal | undefined, errorContext: AzureErrorContext): Promise<Readable> {
  if (range && range.end !== undefined && range.end < range.start) return Readable.from([]);
  const offset = range?.start ?? 0;
  const count = range?.end !== undefined ? range.end - range.start + 1 : undefined;
  try {
    const res = await blob.download(offset, count, { maxRetryRequests: 5, ...(signal ? { abortSignal: signal } : {}) });
    return (res.readableStreamBody as Readable | undefined) ?? Readable.from([]);
  } catch (e) {
    // a range starting at or past the end has no bytes (Azure answers 416, a file would give nothing)
    const { code, status } = describeAzureError(e);
    if (range && (code === "InvalidRange" || status === 416)) return Readable.from([]);
    throw toAzureError(e, errorContext);
  }
}
