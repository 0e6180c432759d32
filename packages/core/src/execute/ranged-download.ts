import { Readable } from "node:stream";
import { isRetryable } from "../errors.js";

export interface RangedDownload {
  /** the first response: a whole-object read; its first `partSize` bytes are used, the rest dropped */
  first: Readable;
  /** the object's size, from the first response */
  size: number;
  partSize: number;
  /** parts in flight (and in memory) at once */
  concurrency: number;
  /**
   * Fetches bytes start..end (inclusive) of the same version of the object (pin it to the first
   * response's etag); `signal` aborts when the reader stops.
   */
  fetchRange: (start: number, end: number, signal: AbortSignal) => Promise<Uint8Array>;
  /** maps a failure to the adapter's error; retryable ones are tried again (3 tries in all) */
  mapError: (e: unknown) => Error & { retryable?: boolean };
  signal?: AbortSignal;
}

/**
 * Reads a big object as parallel ranged requests handed out in order: one TCP stream rarely
 * fills a fast link to an object store. The first response (a plain whole-object read, which
 * also told us the size) supplies part 0; the others are fetched `concurrency` at a time and
 * memory holds at most that many parts. A part that fails mid-body is re-requested (SDKs retry
 * only until the headers). An object of at most two parts (or concurrency 1) is just `first`.
 */
export function orderedRangedDownload(d: RangedDownload): Readable {
  // with no second part to fetch alongside, the first response is the whole read
  if (d.concurrency <= 1 || d.size <= 2 * d.partSize) return d.first;
  return Readable.from(partsInOrder(d), { objectMode: false, highWaterMark: 0 });
}

async function* partsInOrder(d: RangedDownload): AsyncGenerator<Buffer> {
  const stop = new AbortController();
  const onAbort = () => stop.abort(d.signal?.reason);
  d.signal?.addEventListener("abort", onAbort, { once: true });
  const count = Math.ceil(d.size / d.partSize);
  const fetchPart = (i: number): Promise<Buffer> => {
    if (i === 0) return readPrefix(d.first, Math.min(d.partSize, d.size));
    const start = i * d.partSize;
    const end = Math.min(d.size, start + d.partSize) - 1;
    return fetchWithRetries(d, start, end, stop.signal);
  };
  const window: Promise<Buffer>[] = [];
  let next = 0;
  try {
    while (next < count && window.length < d.concurrency) window.push(fetchPart(next++));
    while (window.length > 0) {
      const part = await window.shift()!;
      if (next < count) window.push(fetchPart(next++));
      yield part;
    }
  } finally {
    stop.abort();
    d.first.destroy();
    for (const p of window) p.catch(() => undefined);
    d.signal?.removeEventListener("abort", onAbort);
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

async function fetchWithRetries(d: RangedDownload, start: number, end: number, signal: AbortSignal): Promise<Buffer> {
  for (let attempt = 1; ; attempt++) {
    try {
      const bytes = await d.fetchRange(start, end, signal);
      if (bytes.length !== end - start + 1) throw new Error(`range ${start}-${end} returned ${bytes.length} bytes`);
      return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
    } catch (e) {
      const mapped = d.mapError(e);
      if (attempt >= 3 || !(mapped.retryable || isRetryable(e)) || signal.aborted) throw mapped;
      await new Promise((r) => setTimeout(r, 100 * 2 ** attempt));
    }
  }
}
