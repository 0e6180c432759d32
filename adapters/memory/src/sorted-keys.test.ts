import { compareKeys } from "@ferry/core";
import { describe, expect, it } from "vitest";
import { SortedKeys } from "./sorted-keys.js";

function allKeys(keys: SortedKeys): string[] {
  return keys.page("", true, Number.MAX_SAFE_INTEGER);
}

describe("SortedKeys", () => {
  it("keeps thousands of random inserts and removals in byte order across chunk splits", () => {
    const keys = new SortedKeys();
    const model = new Set<string>();
    let seed = 7;
    const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const alphabet = ["a", "b", "/", ".", "-", "é", "ｆ", "😀", "0"];
    for (let i = 0; i < 20_000; i++) {
      const key = Array.from({ length: 1 + Math.floor(random() * 6) }, () => alphabet[Math.floor(random() * alphabet.length)]).join("");
      if (model.has(key)) {
        if (random() < 0.5) {
          expect(keys.remove(key)).toBe(true);
          model.delete(key);
        }
      } else {
        keys.insert(key);
        model.add(key);
      }
    }
    expect(allKeys(keys)).toEqual([...model].sort(compareKeys));
    expect(keys.remove("not there")).toBe(false);
  });

  it("pages from any position, inclusive or not", () => {
    const keys = new SortedKeys();
    const sorted = Array.from({ length: 5000 }, (_, i) => `k${String(i).padStart(5, "0")}`);
    for (const k of [...sorted].reverse()) keys.insert(k);
    expect(keys.page("k01000", true, 3)).toEqual(["k01000", "k01001", "k01002"]);
    expect(keys.page("k01000", false, 2)).toEqual(["k01001", "k01002"]);
    expect(keys.page("k010005", true, 1)).toEqual(["k01001"]);
    expect(keys.page("k04999", false, 10)).toEqual([]);
    expect(keys.page("", true, 10_000)).toEqual(sorted);
  });
});
