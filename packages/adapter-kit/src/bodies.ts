import { createHash } from "node:crypto";
import { Readable } from "node:stream";

/**
 * Bodies the checks write and read. Large bodies are generated chunk by chunk from a seeded
 * generator so neither side ever holds a whole object, and the expected bytes can be
 * re-created at any offset for range checks.
 */

export function bodyOf(data: string | Uint8Array): Readable {
  const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : Buffer.from(data);
  return Readable.from(bytes.length === 0 ? [] : [bytes], { objectMode: false });
}

export async function readBody(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

export interface StreamDigest {
  size: number;
  sha256: string;
  md5: string;
}

export async function digestStream(stream: Readable): Promise<StreamDigest> {
  const sha256 = createHash("sha256");
  const md5 = createHash("md5");
  let size = 0;
  for await (const chunk of stream) {
    const bytes = chunk as Buffer;
    sha256.update(bytes);
    md5.update(bytes);
    size += bytes.length;
  }
  return { size, sha256: sha256.digest("hex"), md5: md5.digest("hex") };
}

const CHUNK = 1024 * 1024;

/** Chunk `index` (1 MiB) of the pseudo-random byte sequence for `seed`: xorshift32 per chunk. */
function pseudoRandomChunk(seed: number, index: number): Buffer {
  const words = new Uint32Array(CHUNK / 4);
  // a distinct non-zero state per chunk lets any chunk be made without its predecessors
  let x = (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(index + 1, 0xc2b2ae35)) >>> 0 || 1;
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    words[i] = x;
  }
  return Buffer.from(words.buffer);
}

/** A stream of `size` pseudo-random bytes, generated as it is read. */
export function pseudoRandomBody(size: number, seed: number): Readable {
  let offset = 0;
  return new Readable({
    highWaterMark: CHUNK,
    read() {
      if (offset >= size) {
        this.push(null);
        return;
      }
      const chunk = pseudoRandomChunk(seed, offset / CHUNK);
      const n = Math.min(CHUNK, size - offset);
      offset += n;
      this.push(n === CHUNK ? chunk : chunk.subarray(0, n));
    },
  });
}

/** Bytes `start..end` (inclusive) of the sequence `pseudoRandomBody(…, seed)` produces. */
export function pseudoRandomSlice(seed: number, start: number, end: number): Buffer {
  const out = Buffer.alloc(end - start + 1);
  for (let index = Math.floor(start / CHUNK); index * CHUNK <= end; index++) {
    const chunk = pseudoRandomChunk(seed, index);
    const chunkStart = index * CHUNK;
    const from = Math.max(start, chunkStart) - chunkStart;
    const to = Math.min(end, chunkStart + CHUNK - 1) - chunkStart;
    chunk.copy(out, chunkStart + from - start, from, to + 1);
  }
  return out;
}

/** A body that delivers `bytesBefore` bytes in a few asynchronous chunks, then fails. */
export function failingBody(bytesBefore: number): Readable {
  let sent = 0;
  return new Readable({
    read() {
      setTimeout(() => {
        if (sent >= bytesBefore) {
          this.destroy(new Error("simulated body failure"));
          return;
        }
        const n = Math.min(64 * 1024, bytesBefore - sent);
        sent += n;
        this.push(Buffer.alloc(n, 0x61));
      }, 2);
    },
  });
}

/**
 * A slow body that would go on for `cap` bytes, calling `onBytes` with the running total so a
 * test can abort mid-way. The cap keeps an adapter that ignores its signal from running forever
 * (the write then succeeds and the check fails).
 */
export function slowBody(cap: number, onBytes: (total: number) => void): Readable {
  let sent = 0;
  return new Readable({
    read() {
      setTimeout(() => {
        if (sent >= cap) {
          this.push(null);
          return;
        }
        const n = Math.min(64 * 1024, cap - sent);
        sent += n;
        this.push(Buffer.alloc(n, 0x62));
        onBytes(sent);
      }, 1);
    },
  });
}
