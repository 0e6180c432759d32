import { createHash, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { candidatePartSizes, multipartEtag, multipartEtagOfStream } from "./multipart-etag.js";
import { fitPartSize } from "./part-size.js";

const MiB = 1024 * 1024;
const md5 = (b: Buffer) => createHash("md5").update(b).digest();

// the definition, spelled out independently of the streaming implementation
function expectedEtag(data: Buffer, partSize: number): string {
  const digests: Buffer[] = [];
  for (let i = 0; i < data.length; i += partSize) digests.push(md5(data.subarray(i, i + partSize)));
  if (digests.length === 0) digests.push(md5(Buffer.alloc(0)));
  return `${createHash("md5").update(Buffer.concat(digests)).digest("hex")}-${digests.length}`;
}

describe("multipartEtag", () => {
  it("matches S3's definition for any chunking of the input", () => {
    const data = randomBytes(2.5 * 1024 + 17);
    for (const chunk of [1, 7, 1024, 5000]) {
      const h = multipartEtag(1024);
      for (let i = 0; i < data.length; i += chunk) h.update(data.subarray(i, i + chunk));
      expect(h.digest()).toBe(expectedEtag(data, 1024));
    }
  });

  it("counts an exact multiple of the part size without an empty extra part", () => {
    const data = randomBytes(3 * 1000);
    expect(multipartEtag(1000).update(data).digest()).toMatch(/-3$/);
    expect(multipartEtag(1000).update(data).digest()).toBe(expectedEtag(data, 1000));
  });

  it("treats an empty body as one empty part", () => {
    expect(multipartEtag(MiB).digest()).toBe(expectedEtag(Buffer.alloc(0), MiB));
  });

  it("hashes a stream", async () => {
    const data = randomBytes(10_000);
    async function* chunks() {
      yield data.subarray(0, 3333);
      yield data.subarray(3333);
    }
    expect(await multipartEtagOfStream(chunks(), 4096)).toBe(expectedEtag(data, 4096));
  });

  it("rejects a nonsensical part size", () => {
    expect(() => multipartEtag(0)).toThrow(RangeError);
  });
});

describe("candidatePartSizes", () => {
  it("puts the common tools' defaults that fit first, then other whole-MiB sizes", () => {
    expect(candidatePartSizes(20 * MiB, 3)).toEqual([8 * MiB, 7 * MiB, 9 * MiB]);
    expect(candidatePartSizes(20 * MiB, 3)).toContain(7 * MiB);
    expect(candidatePartSizes(100 * MiB + 1, 13)[0]).toBe(8 * MiB);
    expect(candidatePartSizes(12 * MiB, 3)[0]).toBe(5 * MiB);
    for (const ps of candidatePartSizes(1000 * MiB + 5, 7)) expect(Math.ceil((1000 * MiB + 5) / ps)).toBe(7);
  });

  it("is empty when nothing fits", () => {
    expect(candidatePartSizes(10, 3)).toEqual([]);
    expect(candidatePartSizes(10 * MiB, 0)).toEqual([]);
  });
});

describe("fitPartSize", () => {
  it("keeps the chunk size while the object fits in 10,000 parts", () => {
    expect(fitPartSize(78 * 1024 * MiB, 8 * MiB)).toBe(8 * MiB);
    expect(fitPartSize(undefined, 8 * MiB)).toBe(8 * MiB);
  });

  it("grows the part size (in whole MiB) so the object fits in 10,000 parts", () => {
    const size = 200 * 1024 * MiB;
    const part = fitPartSize(size, 8 * MiB);
    expect(part % MiB).toBe(0);
    expect(Math.ceil(size / part)).toBeLessThanOrEqual(10_000);
    expect(Math.ceil(size / (part - MiB))).toBeGreaterThan(10_000);
  });

  it("never goes below S3's 5 MiB minimum", () => {
    expect(fitPartSize(100 * MiB, MiB)).toBe(5 * MiB);
  });
});
