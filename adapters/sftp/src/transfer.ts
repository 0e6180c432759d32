import { Readable } from "node:stream";
import type { SftpCalls } from "./sftp-calls.js";

/**
 * Pipelined SFTP transfers. A plain SFTP stream waits for each request's reply before sending the
 * next, so throughput is one chunk per round trip; here several large requests are in flight at
 * once (like ssh2's fastPut/fastGet, but on streams), which is what makes a 20 MiB upload take
 * a fraction of a second instead of seconds. Memory per transfer: concurrency × chunkSize.
 */

export interface TransferTuning {
  chunkSize: number;
  concurrency: number;
}

/** Writes `body` to an open handle from offset 0; resolves with the byte count once all writes are acknowledged. */
export async function writeFromStream(
  calls: SftpCalls,
  handle: Buffer,
  body: AsyncIterable<Buffer | string | Uint8Array>,
  tuning: TransferTuning,
  onBytes?: (total: number) => void,
  signal?: AbortSignal,
): Promise<number> {
  const inFlight = new Set<Promise<void>>();
  let failure: unknown;
  let position = 0;
  let staging = Buffer.allocUnsafe(tuning.chunkSize);
  let filled = 0;
  let consumed = 0;

  const send = async (data: Buffer) => {
    while (inFlight.size >= tuning.concurrency) await Promise.race(inFlight);
    if (failure) throw failure;
    const at = position;
    position += data.length;
    const request: Promise<void> = calls.write(handle, data, at).then(
      () => void inFlight.delete(request),
      (e) => {
        inFlight.delete(request);
        failure ??= e;
      },
    );
    inFlight.add(request);
  };

  try {
    for await (const piece of body) {
      signal?.throwIfAborted();
      if (failure) throw failure;
      let chunk = typeof piece === "string" ? Buffer.from(piece) : Buffer.isBuffer(piece) ? piece : Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
      consumed += chunk.length;
      onBytes?.(consumed);
      while (chunk.length > 0) {
        if (filled === 0 && chunk.length >= tuning.chunkSize) {
          // big pieces go out as they are, without a copy
          await send(chunk.subarray(0, tuning.chunkSize));
          chunk = chunk.subarray(tuning.chunkSize);
          continue;
        }
        const n = Math.min(chunk.length, tuning.chunkSize - filled);
        chunk.copy(staging, filled, 0, n);
        filled += n;
        chunk = chunk.subarray(n);
        if (filled === tuning.chunkSize) {
          await send(staging);
          staging = Buffer.allocUnsafe(tuning.chunkSize);
          filled = 0;
        }
      }
    }
    if (filled > 0) await send(staging.subarray(0, filled));
  } finally {
    await Promise.all(inFlight);
  }
  if (failure) throw failure;
  return position;
}

/**
 * A readable stream of bytes [start, end) of an open handle, with several reads in flight and
 * chunks delivered in order. `release` runs exactly once when the stream ends or is destroyed.
 */
export function readToStream(
  calls: SftpCalls,
  handle: Buffer,
  range: { start: number; end: number },
  tuning: TransferTuning,
  release: () => Promise<void>,
  mapError: (e: unknown) => Error = (e) => e as Error,
): Readable {
  const queue: Array<{ chunk: Promise<Buffer>; length: number }> = [];
  let next = range.start;
  let released: Promise<void> | undefined;
  const releaseOnce = () => (released ??= release());

  /** One chunk, re-reading after short replies so a chunk is whole unless the file ended. */
  const readChunk = async (position: number, length: number): Promise<Buffer> => {
    const buffer = Buffer.allocUnsafe(length);
    let got = 0;
    while (got < length) {
      const n = await calls.read(handle, buffer, got, length - got, position + got);
      if (n === 0) break;
      got += n;
    }
    return got === length ? buffer : buffer.subarray(0, got);
  };

  const topUp = () => {
    while (queue.length < tuning.concurrency && next < range.end) {
      const length = Math.min(tuning.chunkSize, range.end - next);
      const chunk = readChunk(next, length);
      chunk.catch(() => undefined); // surfaced in order by read()
      queue.push({ chunk, length });
      next += length;
    }
  };

  return new Readable({
    highWaterMark: tuning.chunkSize,
    read() {
      topUp();
      const head = queue.shift();
      const finish = () =>
        releaseOnce().then(
          () => this.push(null),
          (e) => this.destroy(mapError(e)),
        );
      if (!head) return void finish();
      head.chunk.then(
        (chunk) => {
          if (chunk.length > 0) this.push(chunk);
          if (chunk.length < head.length) {
            // the file is shorter than it was when opened: end here
            queue.length = 0;
            next = range.end;
            finish();
          }
        },
        (e) => this.destroy(mapError(e)),
      );
    },
    destroy(err, callback) {
      queue.length = 0;
      releaseOnce().then(
        () => callback(err),
        () => callback(err),
      );
    },
  });
}
