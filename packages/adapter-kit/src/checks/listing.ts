import { expect } from "vitest";
import type { ConformanceCheck } from "../check.js";
import { expectByteOrder, keysOf } from "../ordering.js";

/**
 * Names chosen so that JavaScript's `<` (UTF-16 code units) and a naive per-directory sort
 * (directories by bare name) both disagree with UTF-8 byte order. Written in the order a
 * correct listing yields them; a file system cannot hold `a` as both file and directory,
 * so `a` appears only as a directory.
 */
const ORDERED_NAMES = ["Z", "a-b", "a.txt", "a/x", "a/y.z", "a0", "b", "c-f/g", "c.e", "c/d", "é", "ｆ", "😀"];

export const listingChecks: ConformanceCheck[] = [
  {
    id: "list-order",
    title: "list yields keys in ascending UTF-8 byte order (a directory sorts as name/)",
    async run(t) {
      // written out of order, concurrently
      const shuffled = [...ORDERED_NAMES].reverse();
      await Promise.all(shuffled.map((name) => t.put(t.key(name), name)));
      const listed = await t.list();
      expect(keysOf(listed)).toEqual(ORDERED_NAMES.map((n) => t.key(n)));
      expectByteOrder(listed);
      for (const e of listed) expect(e.type === undefined || e.type === "file", `type of ${e.key}`).toBe(true);
    },
  },
  {
    id: "list-prefix",
    title: "list(prefix) is a plain string prefix, with or without a trailing slash",
    async run(t) {
      await Promise.all(ORDERED_NAMES.map((name) => t.put(t.key(name), name)));
      const keysUnder = async (p: string) => keysOf(await t.list(t.key(p)));
      const expectedUnder = (p: string) => ORDERED_NAMES.filter((n) => n.startsWith(p)).map((n) => t.key(n));
      for (const p of ["a", "a/", "a/y", "c", "c-", "c/", "c.e", "é", "😀", "b", "Z"]) {
        expect(await keysUnder(p), `list(${JSON.stringify(t.key(p))})`).toEqual(expectedUnder(p));
      }
    },
  },
  {
    id: "list-start-after",
    title: "startAfter lists only keys strictly after it, also from inside or beside directories",
    async run(t) {
      await Promise.all(ORDERED_NAMES.map((name) => t.put(t.key(name), name)));
      const all = ORDERED_NAMES.map((n) => t.key(n));
      const after = async (s: string, prefix?: string) => keysOf(await t.list(prefix ?? t.prefix, { startAfter: s }));
      for (const s of ["a", "a/", "a/x", "a/xx", "a0", "c", "c/", "c.e", "c-f", "c-f/", "c-f/g", "é", "ｆ", "😀", "0", ""]) {
        const startAfter = t.key(s);
        expect(await after(startAfter), `startAfter ${JSON.stringify(startAfter)}`).toEqual(all.filter((k) => isAfter(k, startAfter)));
      }
      // a startAfter before the prefix lists the whole prefix; one past it lists nothing
      expect(await after(t.prefix.slice(0, -1))).toEqual(all);
      expect(await after(`${t.prefix}\u{10FFFF}`)).toEqual([]);
      // combined with a deeper prefix
      expect(await after(t.key("a/x"), t.key("a/"))).toEqual([t.key("a/y.z")]);
    },
  },
  {
    id: "pagination",
    title: "listing continues past the first page (1000 keys), each key once, in order",
    timeout: 300_000,
    async run(t) {
      const n = t.settings.paginationKeys;
      const keys = Array.from({ length: n }, (_, i) => t.key(`k${String(i).padStart(6, "0")}`));
      let next = 0;
      await Promise.all(
        Array.from({ length: 16 }, async () => {
          while (next < keys.length) {
            const key = keys[next++]!;
            await t.put(key, key.slice(-7));
          }
        }),
      );
      const listed = await t.list();
      expectByteOrder(listed);
      expect(listed.length).toBe(n);
      expect(keysOf(listed)).toEqual(keys);
      if (n > 1001) {
        const tail = await t.list(t.prefix, { startAfter: keys[999]! });
        expect(keysOf(tail)).toEqual(keys.slice(1000));
      }
    },
  },
];

/** byte order on code points: JS `>` is wrong past U+FFFF, so compare code point arrays */
function isAfter(a: string, b: string): boolean {
  const x = [...a].map((c) => c.codePointAt(0)!);
  const y = [...b].map((c) => c.codePointAt(0)!);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! > y[i]!;
  return x.length > y.length;
}
