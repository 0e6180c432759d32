import { Readable } from "node:stream";
import type { Adapter } from "@ferry/core";
import { clearMemoryStore, memory } from "@ferry/adapter-memory";

let n = 0;
/** A fresh, uniquely named memory location. */
export function freshMemory(label: string): { url: string; adapter: Adapter } {
  const name = `${label}-${process.pid}-${++n}`;
  clearMemoryStore(name);
  return { url: `mem://${name}/`, adapter: memory({ name }) };
}

export async function put(adapter: Adapter, key: string, body: string, mtime = 1_700_000_000_000): Promise<void> {
  await adapter.write(key, Readable.from([Buffer.from(body)]), { size: Buffer.byteLength(body), mtime });
}

export async function read(adapter: Adapter, key: string): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of await adapter.read(key)) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString();
}

export async function keys(adapter: Adapter): Promise<string[]> {
  const out: string[] = [];
  for await (const e of adapter.list("")) out.push(e.key);
  return out;
}
