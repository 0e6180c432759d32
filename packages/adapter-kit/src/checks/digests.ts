import { createHash } from "node:crypto";
import { isFerryError, type HashAlgorithm } from "@ferry/core";
import { expect } from "vitest";
import type { ConformanceCheck } from "../check.js";
import { crc32cHex } from "../crc32c.js";

const CONTENT = "The quick brown fox jumps over the lazy dog\n";

function expectedDigest(algorithm: HashAlgorithm, data: Buffer): string {
  return algorithm === "crc32c" ? crc32cHex(data) : createHash(algorithm).update(data).digest("hex");
}

export const digestChecks: ConformanceCheck[] = [
  {
    id: "hashes",
    title: "every declared hash is available (hash() or listing) and correct",
    async run(t) {
      const data = Buffer.from(CONTENT);
      const key = t.key("fox.txt");
      const result = await t.put(key, data);
      const stat = await t.adapter.stat(key);
      const listed = (await t.list()).find((e) => e.key === key);
      const algorithms: HashAlgorithm[] = ["md5", "sha1", "sha256", "crc32c"];
      // anything offered, declared or not, must be right
      for (const algorithm of algorithms) {
        const want = expectedDigest(algorithm, data);
        for (const [where, hashes] of [["WriteResult", result.hashes], ["stat", stat?.hashes], ["list", listed?.hashes]] as const) {
          const got = hashes?.[algorithm];
          if (got !== undefined) expect(got, `${where} ${algorithm}`).toBe(want);
        }
      }
      const declared = t.adapter.capabilities.hashes;
      if (declared.length === 0) t.skip("capabilities.hashes is empty");
      for (const algorithm of declared) {
        const want = expectedDigest(algorithm, data);
        let got = listed?.hashes?.[algorithm] ?? stat?.hashes?.[algorithm];
        if (t.adapter.hash) {
          try {
            got = await t.adapter.hash(key, algorithm);
          } catch (e) {
            if (!(isFerryError(e) && e.code === "Unsupported" && got !== undefined)) throw e;
          }
        }
        expect(got, `declared ${algorithm} is neither listed nor computed by hash()`).toBeDefined();
        expect(got!.toLowerCase(), `${algorithm} of ${key}`).toBe(want);
        expect(got, `${algorithm} must be lowercase hex`).toMatch(/^[0-9a-f]+$/);
      }
    },
  },
  {
    id: "etag",
    title: "a declared etag scheme gives an unquoted etag that changes with the content",
    async run(t) {
      if (t.adapter.capabilities.etag === null) t.skip("capabilities.etag is null");
      const key = t.key("tagged.txt");
      await t.put(key, "first");
      const first = await t.adapter.stat(key);
      expect(first?.etag, "stat().etag").toBeTypeOf("string");
      expect(first!.etag!.length).toBeGreaterThan(0);
      expect(first!.etag).not.toMatch(/^W\/|"/);
      const listed = (await t.list()).find((e) => e.key === key);
      if (listed?.etag !== undefined) expect(listed.etag, "listed etag equals stat etag").toBe(first!.etag);
      await t.put(key, "second, different");
      const second = await t.adapter.stat(key);
      expect(second?.etag).toBeTypeOf("string");
      expect(second!.etag, "etag after overwrite").not.toBe(first!.etag);
    },
  },
];
