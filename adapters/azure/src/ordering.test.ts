import { compareKeys } from "@ferry/core";
import { describe, expect, it } from "vitest";
import { inCodePointOrder } from "./ordering.js";

const utf16 = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

async function run(keys: string[], limit = 1000): Promise<string[]> {
  async function* source() {
    yield* keys;
  }
  const out: string[] = [];
  for await (const k of inCodePointOrder(source(), (x) => x, limit)) out.push(k);
  return out;
}

const ALPHABET = ["a", "b", "/", "-", ".", "é", "\ue000", "ｆ", "\uffff", "😀", "𝄞", "\u{10ffff}"];

function randomKeys(n: number, seed: number): string[] {
  // mulberry32: small, deterministic, good enough to shuffle names
  let a = seed >>> 0;
  const rnd = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const keys = new Set<string>();
  while (keys.size < n) {
    const len = 1 + Math.floor(rnd() * 5);
    let k = "";
    for (let i = 0; i < len; i++) k += ALPHABET[Math.floor(rnd() * ALPHABET.length)];
    keys.add(k);
  }
  return [...keys];
}

describe("inCodePointOrder", () => {
  it("turns a UTF-16-ordered listing into code point order", async () => {
    for (let seed = 1; seed <= 20; seed++) {
      const keys = randomKeys(300, seed);
      expect(await run([...keys].sort(utf16))).toEqual([...keys].sort(compareKeys));
    }
  });

  it("passes a listing already in code point order through unchanged", async () => {
    for (let seed = 21; seed <= 30; seed++) {
      const sorted = randomKeys(300, seed).sort(compareKeys);
      expect(await run(sorted)).toEqual(sorted);
    }
  });

  it("streams names without characters above U+FFFF at once", async () => {
    const seen: string[] = [];
    async function* source() {
      for (const k of ["a", "b", "c"]) {
        yield k;
        // by the time the next name is asked for, the previous one has been passed on
        expect(seen).toContain(k);
      }
    }
    for await (const k of inCodePointOrder(source(), (x) => x, 10)) seen.push(k);
    expect(seen).toEqual(["a", "b", "c"]);
  });

  it("fails clearly instead of holding more than the limit", async () => {
    const keys = Array.from({ length: 20 }, (_, i) => `😀${String(i).padStart(2, "0")}`);
    await expect(run(keys, 5)).rejects.toMatchObject({ code: "Provider" });
  });
});
