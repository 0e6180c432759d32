import { createHash, randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import type { Entry } from "@ferry/core";

export const MiB = 1024 * 1024;

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

export async function collect(entries: AsyncIterable<Entry>): Promise<Entry[]> {
  const out: Entry[] = [];
  for await (const e of entries) out.push(e);
  return out;
}

/** Runs `f` over items with a few in flight. */
export async function inParallel<T>(items: readonly T[], concurrency: number, f: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await f(items[next++]!);
    }),
  );
}
