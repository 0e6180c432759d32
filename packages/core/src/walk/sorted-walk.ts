import type { Entry } from "../adapter.js";
import { compareKeys, walkSortName } from "../keys.js";

/**
 * A lazy, sorted, depth-first walk over a tree that can only be read one directory at a time
 * (SFTP's readdir, WebDAV's PROPFIND depth 1). Each directory is sorted on its own with
 * directories as `name/`, which makes the concatenated output globally sorted by UTF-8 bytes —
 * the order the planner's merge-join needs. A few upcoming subdirectories are listed ahead
 * (bounded) so the walk is not one round trip per directory; memory stays at
 * depth × (prefetch + 1) directory listings.
 */

export interface WalkChild {
  name: string;
  isDir: boolean;
  /** turns the child into the entry to yield under `key` (files, symlinks, and dir entries) */
  entry(key: string): Entry;
  /**
   * For a directory reached through a symlink: the real path it resolves to, so loops are
   * noticed. Other directories inherit `parentIdentity + "/" + name`.
   */
  identity?: string;
}

export interface SortedWalkOptions {
  /** The children of a directory (`dirKey` is "" or ends with "/"), or undefined when it is gone. */
  listDirectory(dirKey: string, signal?: AbortSignal): Promise<WalkChild[] | undefined>;
  /** key prefix to list (need not end at a directory boundary) */
  prefix?: string;
  /** yield only keys strictly greater than this */
  startAfter?: string;
  /** also yield directory entries (key without the trailing slash, placed where `key/` sorts) */
  dirs?: boolean;
  /** directories listed ahead of the walk, and the cap on listings in flight */
  prefetch?: number;
  /** identity of the root directory, for symlink loop detection */
  rootIdentity?: string;
  signal?: AbortSignal;
}

type Item = { sortKey: string; child: WalkChild; kind: "entry" | "descend" };

export async function* sortedWalk(options: SortedWalkOptions): AsyncGenerator<Entry> {
  const prefix = options.prefix ?? "";
  const slash = prefix.lastIndexOf("/");
  const startDir = prefix.slice(0, slash + 1);
  const namePrefix = prefix.slice(slash + 1);
  const startAfter = options.startAfter;
  const prefetch = Math.max(1, options.prefetch ?? 4);
  const gate = new Gate(prefetch);
  const signal = options.signal;

  const list = (dirKey: string): Promise<WalkChild[] | undefined> => {
    const p = gate.run(() => {
      signal?.throwIfAborted();
      return options.listDirectory(dirKey, signal);
    });
    p.catch(() => undefined); // surfaced when the walk reaches this directory
    return p;
  };

  /** True when no key under `dirKey` can be greater than startAfter. */
  const subtreeBeforeStart = (dirKey: string): boolean =>
    startAfter !== undefined && compareKeys(dirKey, startAfter) < 0 && !startAfter.startsWith(dirKey);

  if (startDir !== "" && subtreeBeforeStart(startDir)) return;

  const rootIdentity = options.rootIdentity ?? "";
  const ancestors = new Set<string>([rootIdentity]);

  async function* walk(dirKey: string, identity: string, listing: Promise<WalkChild[] | undefined>, filterName: string): AsyncGenerator<Entry> {
    const children = await listing;
    if (!children) return;
    const items: Item[] = [];
    for (const child of children) {
      if (filterName && !child.name.startsWith(filterName)) continue;
      if (!child.isDir) {
        items.push({ sortKey: child.name, child, kind: "entry" });
        continue;
      }
      items.push({ sortKey: walkSortName(child.name, true), child, kind: "descend" });
    }
    items.sort((a, b) => compareKeys(a.sortKey, b.sortKey));

    const descents = items.filter((it) => it.kind === "descend" && !subtreeBeforeStart(dirKey + it.sortKey));
    const ahead = new Map<Item, Promise<WalkChild[] | undefined>>();
    let nextToFetch = 0;
    const fetchAhead = (upTo: number) => {
      for (; nextToFetch < Math.min(upTo, descents.length); nextToFetch++) {
        const it = descents[nextToFetch]!;
        ahead.set(it, list(dirKey + it.sortKey));
      }
    };
    fetchAhead(prefetch);
    let descended = 0;

    for (const it of items) {
      const key = dirKey + it.sortKey;
      if (it.kind === "entry") {
        if (startAfter === undefined || compareKeys(key, startAfter) > 0) yield it.child.entry(key);
        continue;
      }
      const pending = ahead.get(it);
      if (!pending) continue; // subtree entirely at or before startAfter
      ahead.delete(it);
      // a directory entry sits where its name sorts as a walk sees it: `name/`, just before its contents
      if (options.dirs && (startAfter === undefined || compareKeys(key, startAfter) > 0)) yield it.child.entry(key.slice(0, -1));
      fetchAhead(++descended + prefetch);
      const childIdentity = it.child.identity ?? `${identity}/${it.child.name}`;
      if (ancestors.has(childIdentity)) continue; // a symlink back into its own ancestry
      ancestors.add(childIdentity);
      try {
        yield* walk(key, childIdentity, pending, "");
      } finally {
        ancestors.delete(childIdentity);
      }
    }
  }

  const startIdentity = startDir ? `${rootIdentity}/${startDir.slice(0, -1)}` : rootIdentity;
  yield* walk(startDir, startIdentity, list(startDir), namePrefix);
}

/** At most `limit` listings in flight across the whole walk. */
class Gate {
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  constructor(private readonly limit: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    try {
      return await task();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}
