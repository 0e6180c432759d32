import { compareKeys } from "@ferry/core";

/** Keys per chunk before it splits; small enough that a splice is cheap, large enough to keep the chunk index short. */
const MAX_CHUNK = 1024;

function lowerBound(keys: readonly string[], key: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareKeys(keys[mid]!, key) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * A set of keys in UTF-8 byte order, kept as a list of sorted chunks: inserts and removals
 * touch one chunk (O(√n)-ish moves instead of shifting one big array), and a listing reads
 * a page at a time from any position found by binary search.
 */
export class SortedKeys {
  private chunks: string[][] = [];

  /** index of the first chunk whose last key is ≥ key (chunks.length when none is) */
  private chunkIndex(key: string): number {
    let lo = 0;
    let hi = this.chunks.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const chunk = this.chunks[mid]!;
      if (compareKeys(chunk[chunk.length - 1]!, key) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Adds a key that is not yet present. */
  insert(key: string): void {
    if (this.chunks.length === 0) {
      this.chunks.push([key]);
      return;
    }
    const index = Math.min(this.chunkIndex(key), this.chunks.length - 1);
    const chunk = this.chunks[index]!;
    chunk.splice(lowerBound(chunk, key), 0, key);
    if (chunk.length > MAX_CHUNK) this.chunks.splice(index + 1, 0, chunk.splice(chunk.length >>> 1));
  }

  remove(key: string): boolean {
    const index = this.chunkIndex(key);
    const chunk = this.chunks[index];
    if (!chunk) return false;
    const position = lowerBound(chunk, key);
    if (chunk[position] !== key) return false;
    chunk.splice(position, 1);
    if (chunk.length === 0) this.chunks.splice(index, 1);
    return true;
  }

  clear(): void {
    this.chunks = [];
  }

  /**
   * Up to `limit` keys in order, starting at `from` (included when `inclusive`). A copy, so
   * the caller may yield them while the set changes.
   */
  page(from: string, inclusive: boolean, limit: number): string[] {
    const out: string[] = [];
    let index = this.chunkIndex(from);
    const first = this.chunks[index];
    if (!first) return out;
    let position = lowerBound(first, from);
    if (!inclusive && first[position] === from) position++;
    while (out.length < limit && index < this.chunks.length) {
      const chunk = this.chunks[index]!;
      const take = Math.min(chunk.length - position, limit - out.length);
      for (let i = 0; i < take; i++) out.push(chunk[position + i]!);
      index++;
      position = 0;
    }
    return out;
  }
}
