import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { countedBody, mappedErrors, sliceOf } from "./body-streams.js";

async function drain(s: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of s) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}
const chunked = (data: Buffer, size: number) => Readable.from(Array.from({ length: Math.ceil(data.length / size) }, (_, i) => data.subarray(i * size, (i + 1) * size)));

describe("upload and download body streams", () => {
  const data = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 256));

  it("counts bytes and fails a body that is shorter or longer than declared", async () => {
    const seen: number[] = [];
    expect((await drain(countedBody(chunked(data, 300), 1000, (n) => seen.push(n)))).equals(data)).toBe(true);
    expect(seen).toEqual([300, 600, 900, 1000]);
    await expect(drain(countedBody(chunked(data, 300), 1001))).rejects.toThrow(/ended after 1000 of 1001/);
    await expect(drain(countedBody(chunked(data, 300), 999))).rejects.toThrow(/longer than its declared 999/);
  });

  it("slices a full body for servers that ignore Range", async () => {
    for (const [start, end] of [[0, 0], [10, 650], [299, 300], [900, undefined], [0, 5000]] as const) {
      const got = await drain(sliceOf(chunked(data, 300), start, end));
      expect(got.equals(data.subarray(start, end === undefined ? undefined : end + 1)), `${start}-${end}`).toBe(true);
    }
  });

  it("hands readers mapped errors", async () => {
    const failing = new Readable({ read() { this.destroy(new Error("raw")); } });
    await expect(drain(mappedErrors(failing, () => new Error("mapped")))).rejects.toThrow("mapped");
  });
});
