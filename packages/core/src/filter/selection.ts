import { compareKeys } from "../keys.js";
import type { FilterableEntry } from "./types.js";
import { directoryPrefix } from "./rule-engine.js";

/**
 * The selections that combine with the rules by AND: a key range, a --files-from list, and
 * size/age bounds on the entry.
 */

/** --start/--end: both inclusive, compared in byte (code point) order like listings. */
export class KeyRange {
  constructor(
    readonly start: string | undefined,
    readonly end: string | undefined,
  ) {}

  /** "before", "after", or undefined when the key is inside the range */
  position(key: string): "before" | "after" | undefined {
    if (this.start !== undefined && compareKeys(key, this.start) < 0) return "before";
    if (this.end !== undefined && compareKeys(key, this.end) > 0) return "after";
    return undefined;
  }

  excludesDirectory(dir: string): boolean {
    const prefix = directoryPrefix(dir);
    if (prefix === "") return false;
    // every key below dir starts with "dir/", so all of them sort after "dir/" ...
    if (this.end !== undefined && compareKeys(this.end, prefix) < 0) return true;
    // ... and before any key that is greater than "dir/" without starting with it
    return this.start !== undefined && compareKeys(this.start, prefix) > 0 && !this.start.startsWith(prefix);
  }
}

/** --files-from: exact keys, or prefixes ending in "/" that select everything below them. */
export class FilesFromList {
  private readonly keys = new Set<string>();
  private readonly prefixes = new Set<string>();
  /** every directory that has a listed key or prefix somewhere below it, for pruning */
  private readonly directoriesAbove = new Set<string>();

  constructor(entries: readonly string[]) {
    for (const raw of entries) {
      const entry = raw.replace(/^\/+/, "");
      if (entry === "") continue;
      (entry.endsWith("/") ? this.prefixes : this.keys).add(entry);
      for (let i = entry.indexOf("/"); i >= 0 && i < entry.length - 1; i = entry.indexOf("/", i + 1)) {
        this.directoriesAbove.add(entry.slice(0, i));
      }
    }
  }

  get size(): number {
    return this.keys.size + this.prefixes.size;
  }

  has(key: string): boolean {
    if (this.keys.has(key)) return true;
    if (this.prefixes.size === 0) return false;
    for (let i = key.indexOf("/"); i >= 0; i = key.indexOf("/", i + 1)) {
      if (this.prefixes.has(key.slice(0, i + 1))) return true;
    }
    return false;
  }

  excludesDirectory(dir: string): boolean {
    if (dir === "") return this.size === 0;
    if (this.directoriesAbove.has(dir)) return false;
    const prefix = `${dir}/`;
    for (let i = prefix.indexOf("/"); i >= 0; i = prefix.indexOf("/", i + 1)) {
      if (this.prefixes.has(prefix.slice(0, i + 1))) return false;
    }
    return true;
  }
}

/**
 * --min-size/--max-size (inclusive, like rclone) and --min-age/--max-age turned into an mtime
 * window at compile time, so a key costs four comparisons.
 *
 * An entry without an mtime passes the age bounds: some listings do not carry mtimes (see
 * `capabilities.mtimeInList`), and silently dropping every such key would turn `--max-age 1d`
 * into "select nothing" on those adapters. Callers who need strictness stat first.
 */
export class EntryBounds {
  readonly minSize: number;
  readonly maxSize: number;
  /** mtime window: oldest allowed (from --max-age) and newest allowed (from --min-age) */
  readonly oldest: number;
  readonly newest: number;

  constructor(options: { minSize?: number; maxSize?: number; minAge?: number; maxAge?: number; now: number }) {
    this.minSize = options.minSize ?? -Infinity;
    this.maxSize = options.maxSize ?? Infinity;
    this.oldest = options.maxAge === undefined ? -Infinity : options.now - options.maxAge;
    this.newest = options.minAge === undefined ? Infinity : options.now - options.minAge;
  }

  get isEmpty(): boolean {
    return this.minSize === -Infinity && this.maxSize === Infinity && this.oldest === -Infinity && this.newest === Infinity;
  }

  accepts(entry: FilterableEntry): boolean {
    if (entry.size < this.minSize || entry.size > this.maxSize) return false;
    const mtime = entry.mtime;
    return mtime === undefined || (mtime >= this.oldest && mtime <= this.newest);
  }

  /** which bound refuses the entry, or undefined */
  refusal(entry: FilterableEntry): "min-size" | "max-size" | "min-age" | "max-age" | undefined {
    if (entry.size < this.minSize) return "min-size";
    if (entry.size > this.maxSize) return "max-size";
    if (entry.mtime === undefined) return undefined;
    if (entry.mtime > this.newest) return "min-age";
    if (entry.mtime < this.oldest) return "max-age";
    return undefined;
  }
}
