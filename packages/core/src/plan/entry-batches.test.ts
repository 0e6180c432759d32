import { describe, expect, it } from "vitest";
import type { Entry } from "../adapter.js";
import { ENTRY_BATCHES, batchedListing, isBatchedListing } from "./entry-batches.js";
import { mergeListings } from "./merge.js";
import { readAhead } from "./read-ahead.js";

const e = (key: string): Entry => ({ key, size: 1, mtime: 1000 });

/** A batched listing that records how it was read. */
function batched(batches: string[][]) {
  const log = { batchesRead: 0, closed: false };
  const listing = batchedListing(async function* () {
    try {
      for (const keys of batches) {
        log.batchesRead++;
        yield keys.map(e);
      }
    } finally {
      log.closed = true;
    }
  });
  return { listing, log };
}

async function* plain(keys: string[]): AsyncGenerator<Entry> {
  for (const key of keys) yield e(key);
}

async function mergedKeys(a: AsyncIterable<Entry>, b: AsyncIterable<Entry>): Promise<string[]> {
  const out: string[] = [];
  for await (const p of mergeListings(a, b)) out.push(`${p.key}:${p.a ? "a" : ""}${p.b ? "b" : ""}`);
  return out;
}

describe("batched listings", () => {
  it("iterate entry by entry too, and readAhead passes them through", async () => {
    const { listing } = batched([["a", "b"], [], ["c"]]);
    expect(isBatchedListing(listing)).toBe(true);
    expect(readAhead(listing, 64)).toBe(listing);
    const keys: string[] = [];
    for await (const entry of listing) keys.push(entry.key);
    expect(keys).toEqual(["a", "b", "c"]);
  });

  it("merge the same way as plain listings, batch boundaries anywhere, empty batches included", async () => {
    const a = ["a", "b/1", "b/2", "c", "e", "f/x", "z"];
    const b = ["b/1", "c", "d", "f/x", "f/y", "zz"];
    const expected = await mergedKeys(plain(a), plain(b));
    expect(expected).toEqual(["a:a", "b/1:ab", "b/2:a", "c:ab", "d:b", "e:a", "f/x:ab", "f/y:b", "z:a", "zz:b"]);
    const splits = (keys: string[], size: number) => {
      const out: string[][] = [[]];
      for (let i = 0; i < keys.length; i += size) out.push(keys.slice(i, i + size), []);
      return out;
    };
    for (const size of [1, 2, 3, 100]) {
      expect(await mergedKeys(batched(splits(a, size)).listing, plain(b))).toEqual(expected);
      expect(await mergedKeys(plain(a), batched(splits(b, size)).listing)).toEqual(expected);
      expect(await mergedKeys(batched(splits(a, size)).listing, batched(splits(b, 4)).listing)).toEqual(expected);
    }
  });

  it("an out-of-order key is an error inside a batch and across batches", async () => {
    await expect(mergedKeys(batched([["a", "c", "b"]]).listing, plain([]))).rejects.toThrow(/out of order/);
    await expect(mergedKeys(plain([]), batched([["a", "c"], ["c"]]).listing)).rejects.toThrow(/listed twice/);
  });

  it("a merge stopped early closes the batched listing", async () => {
    const { listing, log } = batched([["a", "b"], ["c", "d"], ["e"]]);
    for await (const p of mergeListings(listing, plain(["a"]))) if (p.key === "b") break;
    expect(log.closed).toBe(true);
    expect(log.batchesRead).toBe(1);
  });

  it("the symbol is shared across copies of the package", () => {
    expect(ENTRY_BATCHES).toBe(Symbol.for("ferry.entryBatches"));
  });
});
