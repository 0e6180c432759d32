import type { Entry } from "../adapter.js";
import { FerryError } from "../errors.js";
import { compareKeys } from "../keys.js";
import { ListingCursor } from "./entry-batches.js";

/** One key of the merge-join: the entry on each side that has it. */
export interface MergedPair {
  /** the key on the receiving side's namespace (after transformKey); directories end in "/" */
  key: string;
  a?: Entry;
  b?: Entry;
}

export interface MergeOptions {
  /** names used in the out-of-order error */
  labelA?: string;
  labelB?: string;
  /** maps A's keys into B's namespace; must keep order (checked) */
  mapA?: (key: string) => string;
  /**
   * Hand on END_OF_B, in its place among the pairs, once listing B is exhausted: every pair
   * after it has no `b` (the planner tells from it when nothing left can delete or overwrite).
   */
  markEndOfB?: boolean;
}

/** The marker pair of MergeOptions.markEndOfB: not a key (it has neither side). */
export const END_OF_B: MergedPair = Object.freeze({ key: "" });

/**
 * Streams the union of two listings sorted in byte order, pairing equal keys. Memory is one
 * entry per side regardless of listing size. An out-of-order or duplicated key is an error:
 * a merge-join over unsorted input silently plans wrong deletes.
 */
export async function* mergeListings(
  listA: AsyncIterable<Entry>,
  listB: AsyncIterable<Entry>,
  options: MergeOptions = {},
): AsyncGenerator<MergedPair> {
  for await (const pairs of mergeListingBatches(listA, listB, options)) yield* pairs;
}

/** Pairs per batch of mergeListingBatches at most. */
const PAIR_BATCH = 1024;

/**
 * mergeListings a batch of pairs at a time: the pairs the buffered entries of both listings
 * make are handed on together before the merge awaits the next batch of either listing, so a
 * consumer awaits once per batch (memory: one batch of pairs, still constant in the keys).
 */
export async function* mergeListingBatches(
  listA: AsyncIterable<Entry>,
  listB: AsyncIterable<Entry>,
  options: MergeOptions = {},
): AsyncGenerator<MergedPair[]> {
  // cursors: an entry that is already buffered costs no await (see entry-batches.ts)
  const cursorA = new ListingCursor(listA);
  const cursorB = new ListingCursor(listB);
  const mapA = options.mapA;
  let keyA: string | undefined;
  let keyB: string | undefined;
  let entryA: Entry | undefined;
  let entryB: Entry | undefined;

  const takeA = (): void => {
    const prev = keyA;
    entryA = cursorA.take();
    if (entryA === undefined) return void (keyA = undefined);
    keyA = sortKey(entryA, mapA ? mapA(entryA.key) : entryA.key);
    if (prev !== undefined && compareKeys(prev, keyA) >= 0) throw outOfOrder(options.labelA ?? "source", prev, keyA, mapA !== undefined);
  };
  let out: MergedPair[] = [];
  let markEndOfB = options.markEndOfB === true;
  const takeB = (): void => {
    const prev = keyB;
    entryB = cursorB.take();
    if (entryB === undefined) {
      keyB = undefined;
      // B is exhausted (take only comes up empty after a fill): mark the place, once
      if (markEndOfB) {
        markEndOfB = false;
        out.push(END_OF_B);
      }
      return;
    }
    keyB = sortKey(entryB, entryB.key);
    if (prev !== undefined && compareKeys(prev, keyB) >= 0) throw outOfOrder(options.labelB ?? "destination", prev, keyB, false);
  };
  const fillBoth = (): Promise<unknown> => Promise.all([cursorA.needsFill && cursorA.fill(), cursorB.needsFill && cursorB.fill()]);

  try {
    if (cursorA.needsFill || cursorB.needsFill) await fillBoth();
    takeA();
    takeB();
    while (entryA !== undefined || entryB !== undefined) {
      const order = entryA === undefined ? 1 : entryB === undefined ? -1 : compareKeys(keyA!, keyB!);
      const fillA = order <= 0 && cursorA.needsFill;
      const fillB = order >= 0 && cursorB.needsFill;
      if (order < 0) out.push({ key: keyA!, a: entryA });
      else if (order > 0) out.push({ key: keyB!, b: entryB });
      else out.push({ key: keyA!, a: entryA, b: entryB });
      // hand the pairs on before waiting for a listing (and when the batch is full)
      if (fillA || fillB || out.length >= PAIR_BATCH) {
        yield out;
        out = [];
      }
      if (fillA && fillB) await fillBoth();
      else if (fillA) await cursorA.fill();
      else if (fillB) await cursorB.fill();
      if (order <= 0) takeA();
      if (order >= 0) takeB();
    }
    if (out.length > 0) yield out;
  } finally {
    // stop the listings (closes cursors, sockets) when the consumer stops early
    await Promise.allSettled([cursorA.close(), cursorB.close()]);
  }
}

/** Directory entries (--dirs) sort, and pair, as `name/` — where their contents begin. */
function sortKey(entry: Entry, key: string): string {
  return entry.type === "dir" && !key.endsWith("/") ? `${key}/` : key;
}

function outOfOrder(label: string, prev: string, key: string, transformed: boolean): FerryError {
  const what = prev === key ? "listed twice" : "out of order";
  return new FerryError(
    "Provider",
    `the ${label} listing is ${what}: ${JSON.stringify(key)} came after ${JSON.stringify(prev)}`,
    transformed ? { hint: "transformKey must keep keys in the same (byte) order" } : {},
  );
}
