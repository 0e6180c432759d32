import { compareKeys } from "@ferry/core";
import { expect } from "vitest";
import { readBody } from "../bodies.js";
import type { CheckContext, ConformanceCheck } from "../check.js";
import { expectFerryError } from "../failures.js";
import { expectByteOrder, keysOf } from "../ordering.js";

/** Characters that URL encoders, shells and query strings like to mangle. */
const ODD_NAMES = [
  "with space.txt",
  " leading space",
  "trailing space ",
  "plus+sign",
  "percent%20encoded",
  "percent%",
  "hash#fragment",
  "question?mark",
  "amp&and",
  "equals=sign",
  'double"quote',
  "single'quote",
  "semi;colon",
  "comma,list",
  "at@sign",
  "bang!",
  "paren(s)",
  "bracket[s]",
  "brace{s}",
  "tilde~",
  "dollar$",
  "emoji 😀.txt",
  "dir with space/file+1.txt",
  "unicode ñ/ü.txt",
  "100%/a+b=c&d#e?f",
];

async function roundTrip(t: CheckContext, names: readonly string[]): Promise<void> {
  const keys = names.map((n) => t.key(n));
  for (const key of keys) await t.put(key, key);
  const listed = await t.list();
  expectByteOrder(listed);
  expect(keysOf(listed)).toEqual([...keys].sort(compareKeys));
  for (const key of keys) {
    const entry = await t.adapter.stat(key);
    expect(entry?.key, `stat(${JSON.stringify(key)})`).toBe(key);
    expect(entry?.size).toBe(Buffer.byteLength(key));
    expect((await readBody(await t.adapter.read(key))).toString(), `read(${JSON.stringify(key)})`).toBe(key);
  }
  const outcomes = await t.adapter.delete(keys);
  for (const o of outcomes) expect(o.error, `delete ${JSON.stringify(o.key)}`).toBeUndefined();
  expect(await t.list()).toEqual([]);
}

export const nameChecks: ConformanceCheck[] = [
  {
    id: "odd-names",
    title: "keys with spaces, + % # ? & = quotes and other punctuation round-trip exactly",
    async run(t) {
      await roundTrip(t, ODD_NAMES);
    },
  },
  {
    id: "unicode-normalization",
    title: "NFC and NFD spellings are kept as given, as two keys",
    async run(t) {
      const nfc = "caf\u00e9.txt";
      const nfd = "cafe\u0301.txt";
      await roundTrip(t, [nfc, nfd, "Ångström/\u00c5.txt", "A\u030angstrom.txt"]);
    },
  },
  {
    id: "long-names",
    title: "long keys (200-byte segments, 500+ bytes in all) round-trip",
    async run(t) {
      await roundTrip(t, [
        `${"d".repeat(100)}/${"e".repeat(100)}/${"f".repeat(100)}/${"n".repeat(200)}.txt`,
        `${"é".repeat(120)}.txt`,
      ]);
    },
  },
  {
    id: "invalid-keys",
    title: "keys that would escape the root are refused (InvalidKey) and write nothing",
    async run(t) {
      for (const key of ["../escape.txt", t.key("../../escape.txt"), t.key("a/../../../escape.txt"), "/absolute.txt", t.key("a//b"), t.key("./dot")]) {
        await expectFerryError(t.put(key, "nope"), "InvalidKey", `write(${JSON.stringify(key)})`);
        await expectFerryError(t.adapter.read(key), "InvalidKey", `read(${JSON.stringify(key)})`);
      }
      expect(await t.list()).toEqual([]);
    },
  },
];
