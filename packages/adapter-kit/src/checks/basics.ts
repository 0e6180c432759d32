import { expect } from "vitest";
import { bodyOf, readBody } from "../bodies.js";
import type { ConformanceCheck } from "../check.js";
import { expectFerryError } from "../failures.js";
import { keysOf } from "../ordering.js";

export const basicChecks: ConformanceCheck[] = [
  {
    id: "write-read-stat",
    title: "a written object can be stat'ed, read and listed",
    async run(t) {
      const key = t.key("hello.txt");
      const result = await t.put(key, "hello, ferry");
      if (result.size !== undefined) expect(result.size).toBe(12);
      const entry = await t.adapter.stat(key);
      expect(entry, "stat of a written key").toBeDefined();
      expect(entry!.key).toBe(key);
      expect(entry!.size).toBe(12);
      if (entry!.type !== undefined) expect(entry!.type).toBe("file");
      expect((await readBody(await t.adapter.read(key))).toString()).toBe("hello, ferry");
      const listed = await t.list();
      expect(keysOf(listed)).toEqual([key]);
      expect(listed[0]!.size).toBe(12);
    },
  },
  {
    id: "empty-object",
    title: "empty objects are written, listed and read with size 0",
    async run(t) {
      const key = t.key("empty");
      await t.put(key, "");
      expect((await t.adapter.stat(key))?.size).toBe(0);
      expect((await readBody(await t.adapter.read(key))).length).toBe(0);
      const listed = await t.list();
      expect(listed.map((e) => [e.key, e.size])).toEqual([[key, 0]]);
    },
  },
  {
    id: "overwrite",
    title: "writing an existing key replaces its content",
    async run(t) {
      const key = t.key("twice.txt");
      await t.put(key, "the first, longer version");
      await t.put(key, "v2");
      expect((await readBody(await t.adapter.read(key))).toString()).toBe("v2");
      expect((await t.adapter.stat(key))?.size).toBe(2);
      expect(keysOf(await t.list())).toEqual([key]);
    },
  },
  {
    id: "stat-missing",
    title: "stat of a missing key is undefined",
    async run(t) {
      expect(await t.adapter.stat(t.key("missing"))).toBeUndefined();
      expect(await t.adapter.stat(t.key("missing/deeper/key.txt"))).toBeUndefined();
      // a key under a file: object stores have none, file systems hit ENOTDIR
      await t.put(t.key("file"), "x");
      expect(await t.adapter.stat(t.key("file/below"))).toBeUndefined();
    },
  },
  {
    id: "read-missing",
    title: "reading (or hashing) a missing key fails with NotFound",
    async run(t) {
      await expectFerryError(t.adapter.read(t.key("missing")), "NotFound", "read of a missing key");
      await expectFerryError(t.adapter.read(t.key("missing/deeper.txt"), { range: { start: 0, end: 0 } }), "NotFound", "ranged read of a missing key");
      const algorithm = t.adapter.capabilities.hashes[0];
      if (t.adapter.hash && algorithm) {
        await expectFerryError(t.adapter.hash(t.key("missing"), algorithm), "NotFound", `hash(${algorithm}) of a missing key`);
      }
    },
  },
  {
    id: "list-missing-prefix",
    title: "listing a prefix with nothing under it yields nothing (no error)",
    async run(t) {
      expect(await t.list(t.key("nothing/here/"))).toEqual([]);
      expect(await t.list(t.key("nothing"))).toEqual([]);
      await t.put(t.key("file.txt"), "x");
      expect(await t.list(t.key("file.txt/"))).toEqual([]);
    },
  },
  {
    id: "delete",
    title: "delete reports one outcome per key; missing keys are not errors",
    async run(t) {
      const a = t.key("a.txt");
      const b = t.key("sub/b.txt");
      const missing = t.key("missing.txt");
      await t.put(a, "a");
      await t.put(b, "b");
      const outcomes = await t.adapter.delete([a, missing, b]);
      expect(outcomes.map((o) => o.key).sort()).toEqual([a, missing, b].sort());
      for (const o of outcomes) expect(o.error, `delete outcome of ${o.key}`).toBeUndefined();
      expect(await t.adapter.stat(a)).toBeUndefined();
      expect(await t.adapter.stat(b)).toBeUndefined();
      expect(await t.list()).toEqual([]);
      expect(await t.adapter.delete([])).toEqual([]);
    },
  },
  {
    id: "probe",
    title: "probe reports an existing location",
    async run(t) {
      if (!t.adapter.probe) return t.skip("the adapter has no probe()");
      await t.put(t.key("here"), "x");
      const result = await t.adapter.probe();
      expect(result.exists).toBe(true);
    },
  },
  {
    id: "write-progress",
    title: "onProgress reports a growing count that ends at the body size",
    async run(t) {
      const key = t.key("progress.bin");
      const counts: number[] = [];
      const data = Buffer.alloc(300 * 1024, 7);
      await t.adapter.write(key, bodyOf(data), { size: data.length }, { onProgress: (n) => counts.push(n) });
      if (counts.length === 0) t.skip("the adapter does not report progress");
      for (let i = 1; i < counts.length; i++) expect(counts[i]!).toBeGreaterThanOrEqual(counts[i - 1]!);
      expect(counts.at(-1)).toBe(data.length);
    },
  },
];
