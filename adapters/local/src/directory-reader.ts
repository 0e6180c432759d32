import { lstatSync, statSync, type Dirent, type Stats } from "node:fs";
import { readdir, readlink } from "node:fs/promises";
import { sep } from "node:path";
import { compareKeys } from "@ferry/core/keys";
import { errnoOf, fsError } from "./fs-errors.js";
import { specialKind } from "./entries.js";
import { isTempName } from "./temp-files.js";

export type LinkPolicy = "follow" | "copy";

/**
 * The few stat fields a walk keeps. A full fs.Stats is ~20 fields; a walk holds a few
 * directories' fan-out of them at once, and at 100k files that difference is tens of MiB.
 */
export type FileFacts = Pick<Stats, "size" | "mtimeMs" | "mode" | "dev" | "ino">;

const factsOf = (s: Stats): FileFacts => ({ size: s.size, mtimeMs: s.mtimeMs, mode: s.mode, dev: s.dev, ino: s.ino });

/** One child of a directory, classified and stat'ed. */
export interface WalkItem {
  name: string;
  key: string;
  /** what the item sorts by: its key, or key + "/" for a directory */
  position: string;
  kind: "file" | "dir" | "symlink";
  /** the item's own stats, or its target's when a followed symlink (only what entries need) */
  stats: FileFacts;
  /** symlink target (links: "copy") */
  target?: string;
  /** the directory's listing, when read ahead of time */
  children?: Promise<WalkItem[]>;
}

export interface ReadContext {
  links: LinkPolicy;
  warn: (message: string, key: string) => void;
}

export interface ReadFilter {
  /** keep only names starting with this (the last segment of a list prefix) */
  namePrefix?: string;
  /** keep only what can hold keys strictly after this */
  startAfter?: string;
}

/**
 * True when something at `position` can hold keys after `startAfter`: it sorts after it,
 * or it is a directory that `startAfter` lies inside. Everything else is pruned unread.
 */
export function reachesPast(position: string, isDirectory: boolean, startAfter: string | undefined): boolean {
  if (startAfter === undefined) return true;
  return compareKeys(position, startAfter) > 0 || (isDirectory && startAfter.startsWith(position));
}

function byPosition(a: WalkItem, b: WalkItem): number {
  return compareKeys(a.position, b.position);
}

/**
 * Reads one directory: drops ferry's temp files and what the filter rules out (before any
 * stat), stats the rest, skips special files with a warning, and
 * returns the items sorted by position. Memory is one directory's fan-out.
 */
export async function readSortedDirectory(path: string, keyPrefix: string, context: ReadContext, filter: ReadFilter = {}): Promise<WalkItem[]> {
  let dirents: Dirent[];
  try {
    dirents = await readdir(path, { withFileTypes: true });
  } catch (e) {
    const errno = errnoOf(e);
    // gone (or replaced by a file) since its parent was read
    if (errno === "ENOENT" || errno === "ENOTDIR") return [];
    throw fsError(e, "list", keyPrefix.slice(0, -1) || ".");
  }
  const { namePrefix, startAfter } = filter;
  const candidates = dirents.filter((d) => {
    if (isTempName(d.name)) return false;
    if (namePrefix && !d.name.startsWith(namePrefix)) return false;
    if (startAfter === undefined) return true;
    const key = keyPrefix + d.name;
    // a followed symlink may turn out to be a directory: keep it if either reading could matter
    if (d.isSymbolicLink()) return reachesPast(key, false, startAfter) || reachesPast(`${key}/`, true, startAfter);
    return d.isDirectory() ? reachesPast(`${key}/`, true, startAfter) : reachesPast(key, false, startAfter);
  });

  // classify stats synchronously: an lstat of a local file is a few µs in the kernel, while a
  // promise round trip through libuv's thread pool costs several times that on the main
  // thread (a 100k-file no-op sync spent ~3/4 of its time there, tooling/bench). It blocks
  // the loop for one directory's fan-out at a time; only symlink targets are read async.
  // only symlinks need a further (async) read; everything else is classified synchronously
  const classified = candidates.map((d) => classify(path, keyPrefix, d, context));
  const items = classified.some((c) => c instanceof Promise) ? await Promise.all(classified) : (classified as Array<WalkItem | undefined>);
  const kept: WalkItem[] = [];
  for (const item of items) {
    if (item && reachesPast(item.position, item.kind === "dir", startAfter)) kept.push(item);
  }
  return kept.sort(byPosition);
}

async function symlinkItem(path: string, name: string, key: string, stats: FileFacts): Promise<WalkItem | undefined> {
  let target: string;
  try {
    target = await readlink(path);
  } catch (e) {
    if (errnoOf(e) === "ENOENT") return undefined;
    throw fsError(e, "read the symlink", key);
  }
  return { name, key, position: key, kind: "symlink", stats, target };
}

function classify(dir: string, keyPrefix: string, dirent: Dirent, context: ReadContext): WalkItem | undefined | Promise<WalkItem | undefined> {
  const name = dirent.name;
  const key = keyPrefix + name;
  // dir never ends with a separator here except at a filesystem root
  const path = dir.endsWith(sep) ? dir + name : dir + sep + name;
  const isLink = dirent.isSymbolicLink();
  let stats: Stats;
  try {
    stats = isLink && context.links === "follow" ? statSync(path) : lstatSync(path);
  } catch (e) {
    const errno = errnoOf(e);
    if (isLink && (errno === "ENOENT" || errno === "ENOTDIR" || errno === "ELOOP")) {
      context.warn(`skipping symlink ${JSON.stringify(key)}: its target ${errno === "ELOOP" ? "loops" : "does not exist"}`, key);
      return undefined;
    }
    // removed between readdir and stat
    if (errno === "ENOENT" || errno === "ENOTDIR") return undefined;
    throw fsError(e, "stat", key);
  }
  if (stats.isSymbolicLink()) return symlinkItem(path, name, key, factsOf(stats));
  if (stats.isDirectory()) return { name, key, position: `${key}/`, kind: "dir", stats: factsOf(stats) };
  if (stats.isFile()) return { name, key, position: key, kind: "file", stats: factsOf(stats) };
  context.warn(`skipping ${specialKind(stats) ?? "special file"} ${JSON.stringify(key)}: only files${context.links === "copy" ? ", symlinks" : ""} and directories are synced`, key);
  return undefined;
}
