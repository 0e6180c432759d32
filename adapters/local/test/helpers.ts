import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { Readable } from "node:stream";
import type { Adapter, Entry, ListOptions } from "@ferry/core";
import { afterEach } from "vitest";

const roots: string[] = [];

/** A fresh temp directory, removed after the test. */
export async function tempDir(label = "t"): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `ferry-local-${label}-`));
  roots.push(dir);
  return dir;
}

afterEach(async () => {
  await Promise.all(roots.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

/** Creates files (content = key) for keys relative to root; keys ending in "/" are directories. */
export async function makeTree(root: string, keys: readonly string[]): Promise<void> {
  for (const key of keys) {
    const path = join(root, ...key.split("/").filter(Boolean));
    if (key.endsWith("/")) await mkdir(path, { recursive: true });
    else {
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, key);
    }
  }
}

export async function listAll(adapter: Adapter, prefix?: string, options?: ListOptions): Promise<Entry[]> {
  const out: Entry[] = [];
  for await (const e of adapter.list(prefix, options)) out.push(e);
  return out;
}

export async function listKeys(adapter: Adapter, prefix?: string, options?: ListOptions): Promise<string[]> {
  return (await listAll(adapter, prefix, options)).map((e) => e.key);
}

export function body(text: string | Buffer): Readable {
  return Readable.from([Buffer.from(text)]);
}

export async function text(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString();
}

export async function rejection(promise: Promise<unknown>): Promise<{ code?: string; message: string }> {
  try {
    await promise;
  } catch (e) {
    return e as { code?: string; message: string };
  }
  throw new Error("expected a rejection");
}

export function warnings(): { messages: Array<{ message: string; key?: string }>; onWarning: (message: string, key?: string) => void } {
  const messages: Array<{ message: string; key?: string }> = [];
  return { messages, onWarning: (message, key) => messages.push({ message, key }) };
}
