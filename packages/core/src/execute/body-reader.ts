import type { Readable } from "node:stream";

/**
 * Reads an upload body for object stores that cut it into parts or blocks: pulls it through one
 * async iterator (so reading a head for the single-vs-multipart decision and then the rest never
 * loses or re-reads bytes), counts bytes for progress, and yields fixed-size parts. Memory is
 * one part plus one chunk.
 */
export class BodyReader {
  private readonly iterator: AsyncIterator<unknown>;
  private buffered: Buffer[] = [];
  private bufferedBytes = 0;
  private consumed = 0;
  private ended = false;

  constructor(
    private readonly body: Readable,
    private readonly onProgress?: (bytes: number) => void,
  ) {
    this.iterator = body[Symbol.asyncIterator]();
  }

  private async pull(signal?: AbortSignal): Promise<boolean> {
    signal?.throwIfAborted();
    const { value, done } = await this.iterator.next();
    if (done) {
      this.ended = true;
      return false;
    }
    const chunk = typeof value === "string" ? Buffer.from(value) : Buffer.isBuffer(value) ? value : Buffer.from(value as Uint8Array);
    this.buffered.push(chunk);
    this.bufferedBytes += chunk.length;
    this.consumed += chunk.length;
    this.onProgress?.(this.consumed);
    return true;
  }

  /** Reads until `bytes` are buffered or the body ends; true when it ended. */
  async fill(bytes: number, signal?: AbortSignal): Promise<boolean> {
    while (!this.ended && this.bufferedBytes < bytes) await this.pull(signal);
    return this.ended;
  }

  take(): Buffer[] {
    const out = this.buffered;
    this.buffered = [];
    this.bufferedBytes = 0;
    return out;
  }

  /**
   * Exactly `size`-byte parts (the last may be shorter), starting with `head`. With
   * `atLeastOnePart`, an empty body still yields one empty part (S3 multipart needs one).
   */
  async *parts(size: number, head: Buffer[], signal?: AbortSignal, options: { atLeastOnePart?: boolean } = {}): AsyncGenerator<Buffer> {
    this.buffered = [...head, ...this.buffered];
    this.bufferedBytes = this.buffered.reduce((n, b) => n + b.length, 0);
    let yielded = false;
    for (;;) {
      while (!this.ended && this.bufferedBytes < size) await this.pull(signal);
      if (this.bufferedBytes === 0) break;
      const all = Buffer.concat(this.take());
      const part = all.subarray(0, Math.min(size, all.length));
      if (all.length > part.length) {
        this.buffered = [all.subarray(part.length)];
        this.bufferedBytes = all.length - part.length;
      }
      yielded = true;
      yield part;
    }
    if (!yielded && options.atLeastOnePart) yield Buffer.alloc(0);
  }

  /** Stops reading: lets the body's producer clean up if we did not reach the end. */
  release(): void {
    if (!this.ended) this.body.destroy();
  }
}
