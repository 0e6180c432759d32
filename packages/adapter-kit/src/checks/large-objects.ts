import { createHash } from "node:crypto";
import { expect } from "vitest";
import { digestStream, pseudoRandomBody, pseudoRandomSlice, readBody } from "../bodies.js";
import type { ConformanceCheck } from "../check.js";

const SEED = 0x5eed;

export const largeObjectChecks: ConformanceCheck[] = [
  {
    id: "large-object",
    title: "a large streamed object (multipart path) reads back with the same digest",
    timeout: 600_000,
    async run(t) {
      const size = t.settings.largeObjectSize;
      const key = t.key("large.bin");
      const expected = await digestStream(pseudoRandomBody(size, SEED));
      const result = await t.adapter.write(key, pseudoRandomBody(size, SEED), { size });
      if (result.size !== undefined) expect(result.size).toBe(size);
      const entry = await t.adapter.stat(key);
      expect(entry?.size).toBe(size);
      const actual = await digestStream(await t.adapter.read(key));
      expect(actual.size).toBe(size);
      expect(actual.sha256, "sha256 of the bytes read back").toBe(expected.sha256);
      // a listing must not pass off a multipart etag (or anything else) as an md5/sha256
      const listed = (await t.list()).find((e) => e.key === key);
      for (const source of [entry, listed]) {
        if (source?.hashes?.md5) expect(source.hashes.md5).toBe(expected.md5);
        if (source?.hashes?.sha256) expect(source.hashes.sha256).toBe(expected.sha256);
      }
      if (t.adapter.capabilities.rangeReads && size >= 3) {
        const start = Math.floor(size / 2) - 7;
        const end = Math.min(size - 1, start + 1024 * 1024 + 13);
        const slice = await readBody(await t.adapter.read(key, { range: { start, end } }));
        expect(slice.length).toBe(end - start + 1);
        expect(createHash("sha256").update(slice).digest("hex")).toBe(createHash("sha256").update(pseudoRandomSlice(SEED, start, end)).digest("hex"));
      }
    },
  },
  {
    id: "range-reads",
    title: "range reads return start..end (inclusive) and start..end-of-object",
    async run(t) {
      if (!t.adapter.capabilities.rangeReads) t.skip("capabilities.rangeReads is false");
      const data = Buffer.from(Array.from({ length: 1024 }, (_, i) => (i * 7) % 251));
      const key = t.key("range.bin");
      await t.put(key, data);
      const cases: Array<[number, number | undefined]> = [
        [0, 0],
        [10, 19],
        [0, 1023],
        [1000, undefined],
        [1023, 1023],
        [0, undefined],
        [512, 2000], // an end past the object is clamped
      ];
      for (const [start, end] of cases) {
        const range = end === undefined ? { start } : { start, end };
        const got = await readBody(await t.adapter.read(key, { range }));
        const want = data.subarray(start, end === undefined ? undefined : end + 1);
        expect(got.equals(want), `range ${start}-${end ?? ""}: got ${got.length} bytes, want ${want.length}`).toBe(true);
      }
    },
  },
];
