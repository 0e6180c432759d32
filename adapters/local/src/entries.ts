import type { Stats } from "node:fs";
import type { Entry } from "@ferry/core";

/** The Entry of a regular file (or of a symlink's target, when links are followed). */
/** what an entry is made of: a full fs.Stats or a walk's slim copy */
type EntryStats = Pick<Stats, "size" | "mtimeMs" | "mode">;

export function fileEntry(key: string, stats: EntryStats): Entry {
  return { key, size: stats.size, mtime: stats.mtimeMs, mode: stats.mode & 0o7777, type: "file" };
}

export function symlinkEntry(key: string, stats: EntryStats, target: string): Entry {
  return { key, size: stats.size, mtime: stats.mtimeMs, mode: stats.mode & 0o7777, type: "symlink", target };
}

export function directoryEntry(key: string, stats: EntryStats): Entry {
  return { key, size: 0, mtime: stats.mtimeMs, mode: stats.mode & 0o7777, type: "dir" };
}

/** fifo, socket or device: never a key */
export function specialKind(stats: Stats): string | undefined {
  if (stats.isFIFO()) return "fifo";
  if (stats.isSocket()) return "socket";
  if (stats.isCharacterDevice()) return "character device";
  if (stats.isBlockDevice()) return "block device";
  return undefined;
}
