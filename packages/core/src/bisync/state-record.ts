import type { Side } from "../actions.js";
import type { Adapter, Entry, HashAlgorithm } from "../adapter.js";

/**
 * What the last successful run knew of one side's copy of a key: just enough to tell later
 * whether that copy changed (size, and whichever of mtime / etag / content hashes the side had).
 */
export interface SideSnapshot {
  size: number;
  mtime?: number;
  etag?: string;
  hashes?: Partial<Record<HashAlgorithm, string>>;
}

/**
 * One key of the saved state. A side is absent when, as agreed at the end of the last run, it
 * did not have the key (one-way modes and one-sided conflict copies leave such keys). Whenever
 * both sides are present their contents were identical when the state was written.
 */
export interface StateRecord {
  key: string;
  src?: SideSnapshot;
  dst?: SideSnapshot;
}

export function snapshotOf(entry: Entry): SideSnapshot {
  const s: SideSnapshot = { size: entry.size };
  if (entry.mtime !== undefined) s.mtime = entry.mtime;
  if (entry.etag) s.etag = entry.etag;
  if (entry.hashes && Object.keys(entry.hashes).length > 0) s.hashes = { ...entry.hashes };
  return s;
}

/**
 * The snapshot a receiver will have once `source` is copied to it: the same size and content
 * hashes, and the sender's mtime where the receiver keeps one (transfers carry it). The
 * receiver's etag is unknown until it is listed, so it is left out; the next run falls back to
 * the other signals for that one key and records the etag then.
 */
export function receivedSnapshot(source: Entry, receiver: Adapter): SideSnapshot {
  const s: SideSnapshot = { size: source.size };
  if (source.mtime !== undefined && receiver.capabilities.mtime !== "none") s.mtime = source.mtime;
  if (source.hashes && Object.keys(source.hashes).length > 0) s.hashes = { ...source.hashes };
  return s;
}

/**
 * True when `entry` would snapshot to exactly `snapshot`: an unchanged key then keeps its saved
 * record as it is (no new objects, and the state writer can reuse the line it read).
 */
export function snapshotMatches(snapshot: SideSnapshot | undefined, entry: Entry | undefined): boolean {
  if (!snapshot || !entry) return snapshot === undefined && entry === undefined;
  if (snapshot.size !== entry.size || snapshot.mtime !== entry.mtime || snapshot.etag !== (entry.etag || undefined)) return false;
  const a = snapshot.hashes;
  const b = entry.hashes;
  if (!a || !b) return (a === undefined || Object.keys(a).length === 0) && (b === undefined || Object.keys(b).length === 0);
  const keys = Object.keys(b) as Array<keyof typeof b>;
  if (keys.length !== Object.keys(a).length) return false;
  for (const k of keys) if (a[k] !== b[k]) return false;
  return true;
}

/** A snapshot seen as an entry, for comparators that take entries. */
export function entryOf(key: string, snapshot: SideSnapshot): Entry {
  return {
    key,
    size: snapshot.size,
    ...(snapshot.mtime !== undefined ? { mtime: snapshot.mtime } : {}),
    ...(snapshot.etag !== undefined ? { etag: snapshot.etag } : {}),
    ...(snapshot.hashes !== undefined ? { hashes: { ...snapshot.hashes } } : {}),
    type: "file",
  };
}

/** The record for a key as both sides now hold it (either may be missing). */
export function recordOf(key: string, sides: Partial<Record<Side, SideSnapshot | undefined>>): StateRecord | undefined {
  const src = sides.src;
  const dst = sides.dst;
  if (!src && !dst) return undefined;
  return { key, ...(src ? { src } : {}), ...(dst ? { dst } : {}) };
}
