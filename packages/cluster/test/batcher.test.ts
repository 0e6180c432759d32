import type { TransferAction } from "@ferry/core";
import { describe, expect, it } from "vitest";
import { batchTransfers } from "../src/batcher.js";

const action = (key: string, size: number): TransferAction => ({
  type: "transfer",
  key,
  targetKey: key,
  from: "src",
  to: "dst",
  source: { key, size },
  reason: "new",
});

async function* stream(sizes: number[]) {
  for (let i = 0; i < sizes.length; i++) yield action(`k${i}`, sizes[i]!);
}

async function batchesOf(sizes: number[], maxKeys: number, maxBytes: number): Promise<number[][]> {
  const out: number[][] = [];
  for await (const b of batchTransfers(stream(sizes), { maxKeys, maxBytes })) out.push(b.map((a) => a.source.size));
  return out;
}

describe("batchTransfers", () => {
  it("bounds batches by key count", async () => {
    expect(await batchesOf([1, 1, 1, 1, 1], 2, 1000)).toEqual([[1, 1], [1, 1], [1]]);
  });

  it("bounds batches by bytes, and a bigger object goes alone", async () => {
    expect(await batchesOf([40, 40, 40, 500, 10, 10], 100, 100)).toEqual([[40, 40], [40], [500], [10, 10]]);
  });

  it("keeps every action exactly once, in order", async () => {
    const sizes = Array.from({ length: 1000 }, (_, i) => (i * 37) % 300);
    const batches = await batchesOf(sizes, 7, 900);
    expect(batches.flat()).toEqual(sizes);
    for (const b of batches) {
      expect(b.length).toBeLessThanOrEqual(7);
      if (b.length > 1) expect(b.reduce((x, y) => x + y, 0)).toBeLessThanOrEqual(900);
    }
  });

  it("pulls lazily: a full batch is handed out before the next action is read", async () => {
    let read = 0;
    async function* counting() {
      for (let i = 0; i < 10; i++) {
        read++;
        yield action(`k${i}`, 1);
      }
    }
    const it = batchTransfers(counting(), { maxKeys: 3, maxBytes: 1000 })[Symbol.asyncIterator]();
    await it.next();
    expect(read).toBe(3);
    await it.return?.(undefined);
  });
});
