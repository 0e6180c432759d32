import type { Entry, FerryErrorCode } from "@ferry/core";
import type { LinkPolicy } from "./directory-reader.js";

/** What a listing worker is started with (its workerData); the resume point comes with "start". */
export interface WalkRequest {
  prefix: string;
  root: string;
  links: LinkPolicy;
  dirs: boolean;
  concurrency?: number;
}

/**
 * Entries travel packed: a message per entry, or even an array of entry objects, costs more to
 * clone than the walk costs to produce. Keys are NUL-joined (a key cannot hold NUL), the
 * numbers go in one transferred Float64Array.
 */
export interface EntryBatch {
  t: "batch";
  keys: string;
  /** per entry: "f" file, "l" symlink, "d" directory */
  kinds: string;
  /** per entry: size, mtime (ms), mode */
  numbers: Float64Array;
  /** index → symlink target */
  targets?: Record<number, string>;
}

export type WorkerMessage =
  | EntryBatch
  | { t: "ready" }
  | { t: "warn"; message: string; key?: string }
  | { t: "end" }
  | { t: "error"; code: FerryErrorCode; message: string; key?: string; retryable: boolean };

export const BATCH_ENTRIES = 1024;
const FIELDS = 3;
const KIND_OF: Record<string, string> = { file: "f", symlink: "l", dir: "d" };
const TYPE_OF = { f: "file", l: "symlink", d: "dir" } as const;

export function encodeBatch(entries: readonly Entry[]): EntryBatch {
  const numbers = new Float64Array(entries.length * FIELDS);
  let kinds = "";
  let targets: Record<number, string> | undefined;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    kinds += KIND_OF[e.type ?? "file"] ?? "f";
    numbers[i * FIELDS] = e.size;
    numbers[i * FIELDS + 1] = e.mtime ?? 0;
    numbers[i * FIELDS + 2] = e.mode ?? 0;
    if (e.target !== undefined) (targets ??= {})[i] = e.target;
  }
  return { t: "batch", keys: entries.map((e) => e.key).join("\0"), kinds, numbers, ...(targets ? { targets } : {}) };
}

/** The entries of a batch, shaped exactly as entries.ts makes them on the main thread. */
export function decodeBatch(batch: EntryBatch): Entry[] {
  const keys = batch.keys.split("\0");
  const n = batch.numbers;
  const entries = new Array<Entry>(keys.length);
  for (let i = 0; i < keys.length; i++) {
    const type = TYPE_OF[batch.kinds[i] as keyof typeof TYPE_OF];
    const at = i * FIELDS;
    const entry: Entry = { key: keys[i]!, size: n[at]!, mtime: n[at + 1]!, mode: n[at + 2]!, type };
    if (type === "symlink") entry.target = batch.targets?.[i] ?? "";
    entries[i] = entry;
  }
  return entries;
}
