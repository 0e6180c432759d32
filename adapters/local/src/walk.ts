import type { Stats } from "node:fs";
import { lstat, stat } from "node:fs/promises";
import { join, sep } from "node:path";
import type { Entry } from "@ferry/core";
import { FerryError } from "@ferry/core/errors";
import { compareKeys, keyProblem } from "@ferry/core/keys";
import { readSortedDirectory, type LinkPolicy, type ReadContext, type WalkItem } from "./directory-reader.js";
import { directoryEntry, fileEntry, symlinkEntry } from "./entries.js";
import { ADAPTER, aborted, errnoOf, fsError } from "./fs-errors.js";

export interface WalkOptions {
  root: string;
  links: LinkPolicy;
  /** yield empty directories as type "dir" entries */
  dirs: boolean;
  startAfter?: string;
  signal?: AbortSignal;
  warn: (message: string, key?: string) => void;
  /**
   * Directories read at once (ListOptions.concurrency, --list-concurrency): the one being
   * walked plus `concurrency - 1` of its next sibling directories read ahead.
   */
  concurrency?: number;
}

const DEFAULT_CONCURRENCY = 3;

interface Frame {
  items: WalkItem[];
  index: number;
  /** the directory this frame lists (none for the starting directory) */
  directory?: WalkItem;
  /** dev:ino of that directory, on the ancestor chain while the frame is open */
  identity?: string;
  /** keys inside must sort after this; undefined = everything inside does */
  startAfter?: string;
  /** entries yielded before this frame opened, to tell whether it stayed empty */
  yieldedBefore: number;
}

function identityOf(stats: Pick<Stats, "dev" | "ino">): string {
  return `${stats.dev}:${stats.ino}`;
}

/** `startAfter` as it applies inside a directory at `position`: undefined when all of it sorts after. */
function startAfterInside(position: string, startAfter: string | undefined): string | undefined {
  return startAfter !== undefined && startAfter.startsWith(position) ? startAfter : undefined;
}

/**
 * The directory a list prefix starts from (`a/b/c` → `a/b`, names starting with `c`), and the
 * dev:ino of every directory on the way there, for loop detection. Undefined when there is
 * nothing to list (missing, a file, or — with links "copy" — reached through a symlink).
 */
async function startingDirectory(root: string, baseKey: string, links: LinkPolicy): Promise<{ path: string; ancestors: string[] } | undefined> {
  const ancestors: string[] = [];
  let path = root;
  const segments = baseKey === "" ? [] : baseKey.split("/");
  for (let i = -1; i < segments.length; i++) {
    if (i >= 0) path = join(path, segments[i]!);
    let stats: Stats;
    try {
      // the root itself is always followed: pointing it at a symlink is the user's choice
      stats = links === "copy" && i >= 0 ? await lstat(path) : await stat(path);
    } catch (e) {
      const errno = errnoOf(e);
      if (errno === "ENOENT" || errno === "ENOTDIR" || errno === "ELOOP") return undefined;
      throw fsError(e, "list", segments.slice(0, i + 1).join("/") || ".");
    }
    if (!stats.isDirectory()) {
      if (i === -1) throw new FerryError("Usage", `the local root is not a directory: ${root}`, { adapter: ADAPTER });
      return undefined;
    }
    ancestors.push(identityOf(stats));
  }
  return { path, ancestors };
}

/** Every entry under `prefix` in ascending UTF-8 byte order of key (see walkSortedBatches). */
export async function* walkSorted(prefix: string, options: WalkOptions): AsyncGenerator<Entry> {
  for await (const batch of walkSortedBatches(prefix, options)) yield* batch;
}

/** Entries per batch of walkSortedBatches unless asked otherwise. */
const DEFAULT_BATCH = 256;

/**
 * Every entry under `prefix` in ascending UTF-8 byte order of key, `batchSize` entries at a
 * time (one await per batch: per entry, the generator's promise round trips cost as much as
 * the lstat). One directory is read at a time and sorted with directories as `name/`; an
 * explicit stack of those sorted listings replaces recursion, and only the next
 * `concurrency - 1` sibling directories are read ahead, so memory is bounded by depth ×
 * concurrency × fan-out (plus one batch), never by the number of keys.
 */
export async function* walkSortedBatches(prefix: string, options: WalkOptions & { batchSize?: number }): AsyncGenerator<Entry[]> {
  const batchSize = Math.max(1, options.batchSize ?? DEFAULT_BATCH);
  if (prefix) {
    const problem = keyProblem(prefix);
    if (problem) throw new FerryError("InvalidKey", `invalid prefix ${JSON.stringify(prefix)}: ${problem}`, { adapter: ADAPTER });
  }
  const slash = prefix.lastIndexOf("/");
  const baseKey = slash === -1 ? "" : prefix.slice(0, slash);
  const namePrefix = prefix.slice(slash + 1);
  const keyPrefix = baseKey === "" ? "" : `${baseKey}/`;

  // a startAfter outside the starting directory either covers all of it or none of it
  let startAfter = options.startAfter;
  if (startAfter !== undefined && !startAfter.startsWith(keyPrefix)) {
    if (compareKeys(startAfter, keyPrefix) > 0) return;
    startAfter = undefined;
  }

  const start = await startingDirectory(options.root, baseKey, options.links);
  if (!start) return;

  const context: ReadContext = { links: options.links, warn: options.warn };
  const prefetch = Math.max(0, Math.floor(options.concurrency ?? DEFAULT_CONCURRENCY) - 1);
  const ancestors = new Set(start.ancestors);
  const signal = options.signal;

  // keys are validated names joined by "/": a concatenation is the path (path.join would
  // re-normalise it, per directory)
  const rootSlash = options.root.endsWith(sep) ? options.root : options.root + sep;
  const read = (item: WalkItem, after: string | undefined): Promise<WalkItem[]> =>
    readSortedDirectory(rootSlash + (sep === "/" ? item.key : item.key.split("/").join(sep)), `${item.key}/`, context, { startAfter: after });

  const readAhead = (frame: Frame): void => {
    let started = 0;
    for (let i = frame.index; i < frame.items.length && started < prefetch; i++) {
      const item = frame.items[i]!;
      // a loop is never read (its listing would only warn about things never walked)
      if (item.kind !== "dir" || ancestors.has(identityOf(item.stats))) continue;
      started++;
      if (item.children) continue;
      item.children = read(item, startAfterInside(item.position, frame.startAfter));
      // awaited when the walk gets there; until then a failure must not count as unhandled
      item.children.catch(() => {});
    }
  };

  const stack: Frame[] = [
    {
      items: await readSortedDirectory(start.path, keyPrefix, context, { namePrefix, startAfter }),
      index: 0,
      startAfter,
      yieldedBefore: 0,
    },
  ];
  let yielded = 0;
  let out: Entry[] = [];

  while (stack.length > 0) {
    if (out.length >= batchSize) {
      yield out;
      out = [];
    }
    if (signal?.aborted) throw aborted("listing");
    const frame = stack[stack.length - 1]!;
    if (frame.index >= frame.items.length) {
      stack.pop();
      if (frame.identity) ancestors.delete(frame.identity);
      // a directory that yielded nothing and was not cut by startAfter is empty
      if (options.dirs && frame.directory && frame.startAfter === undefined && yielded === frame.yieldedBefore) {
        out.push(directoryEntry(frame.directory.key, frame.directory.stats));
        yielded++;
      }
      continue;
    }
    const item = frame.items[frame.index++]!;
    if (item.kind === "file") {
      out.push(fileEntry(item.key, item.stats));
      yielded++;
      continue;
    }
    if (item.kind === "symlink") {
      out.push(symlinkEntry(item.key, item.stats, item.target ?? ""));
      yielded++;
      continue;
    }
    const identity = identityOf(item.stats);
    if (ancestors.has(identity)) {
      options.warn(`skipping ${JSON.stringify(item.key)}: it leads back to one of its own parent directories (symlink loop)`, item.key);
      continue;
    }
    const after = startAfterInside(item.position, frame.startAfter);
    readAhead(frame);
    const children = await (item.children ?? read(item, after));
    item.children = undefined;
    ancestors.add(identity);
    stack.push({ items: children, index: 0, directory: item, identity, startAfter: after, yieldedBefore: yielded });
  }
  if (out.length > 0) yield out;
}
