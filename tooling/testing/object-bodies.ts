/** Bodies and listings for the object-store adapters' tests (S3, Azure): one copy, imported by relative path. */
import { createHash, randomBytes } from "node:crypto";
import { Readable } from "node:stream";

export const MiB = 1024 * 1024;

/** Random bytes: incompressible, so a transfer bug cannot hide behind repetition. */
export function randomData(size: number): Buffer {
  return randomBytes(size);
}

/** A body delivered in uneven chunks, as files and sockets deliver them. */
export function bodyOf(data: Buffer, chunk = 64 * 1024 + 13): Readable {
  function* chunks() {
    for (let i = 0; i < data.length; i += chunk) yield data.subarray(i, i + chunk);
  }
  return Readable.from(chunks(), { objectMode: false });
}

export async function readAll(stream: AsyncIterable<unknown>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of stream) parts.push(Buffer.isBuffer(c) ? c : Buffer.from(c as Uint8Array));
  return Buffer.concat(parts);
}

export const md5hex = (b: Buffer) => createHash("md5").update(b).digest("hex");

/** Everything a listing yields (entries, here), in order. */
export async function collect<T>(entries: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const e of entries) out.push(e);
  return out;
}
