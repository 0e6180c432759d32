import { compareKeys, type Entry } from "@ferry/core";
import { expect } from "vitest";

/** Where an entry sits in a listing: a directory sorts as `name/`. */
export function listingPosition(entry: Entry): string {
  return entry.type === "dir" ? `${entry.key}/` : entry.key;
}

/** Strictly ascending UTF-8 byte order (which also means no key twice). */
export function expectByteOrder(entries: readonly Entry[]): void {
  for (let i = 1; i < entries.length; i++) {
    const a = listingPosition(entries[i - 1]!);
    const b = listingPosition(entries[i]!);
    if (!(compareKeys(a, b) < 0)) {
      expect.fail(`listing out of UTF-8 byte order at index ${i}: ${JSON.stringify(a)} is not before ${JSON.stringify(b)}`);
    }
  }
}

export function keysOf(entries: readonly Entry[]): string[] {
  return entries.map((e) => e.key);
}
