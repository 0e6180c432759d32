import type { Entry } from "../adapter.js";
import { FerryError } from "../errors.js";
import { compareKeys } from "../keys.js";

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
}

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
  const itA = listA[Symbol.asyncIterator]();
  const itB = listB[Symbol.asyncIterator]();
  const mapA = options.mapA;
  let prevA: string | undefined;
  let prevB: string | undefined;

  const nextA = async (): Promise<[string, Entry] | undefined> => {
    const r = await itA.next();
    if (r.done) return undefined;
    const key = sortKey(r.value, mapA ? mapA(r.value.key) : r.value.key);
    if (prevA !== undefined && compareKeys(prevA, key) >= 0) throw outOfOrder(options.labelA ?? "source", prevA, key, mapA !== undefined);
    prevA = key;
    return [key, r.value];
  };
  const nextB = async (): Promise<[string, Entry] | undefined> => {
    const r = await itB.next();
    if (r.done) return undefined;
    const key = sortKey(r.value, r.value.key);
    if (prevB !== undefined && compareKeys(prevB, key) >= 0) throw outOfOrder(options.labelB ?? "destination", prevB, key, false);
    prevB = key;
    return [key, r.value];
  };

  try {
    let [a, b] = await Promise.all([nextA(), nextB()]);
    while (a !== undefined || b !== undefined) {
      if (b === undefined || (a !== undefined && compareKeys(a[0], b[0]) < 0)) {
        yield { key: a![0], a: a![1] };
        a = await nextA();
      } else if (a === undefined || compareKeys(a[0], b[0]) > 0) {
        yield { key: b[0], b: b[1] };
        b = await nextB();
      } else {
        yield { key: a[0], a: a[1], b: b[1] };
        [a, b] = await Promise.all([nextA(), nextB()]);
      }
    }
  } finally {
    // stop the listings (closes cursors, sockets) when the consumer stops early
    await Promise.allSettled([itA.return?.(), itB.return?.()]);
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
