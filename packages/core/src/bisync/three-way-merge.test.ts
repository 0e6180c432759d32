import v8 from "node:v8";
import vm from "node:vm";
import { describe, expect, it } from "vitest";
import type { Entry } from "../adapter.js";
import type { StateRecord } from "./state-record.js";
import { threeWayMerge } from "./three-way-merge.js";

async function* stream<T>(items: T[]): AsyncGenerator<T> {
  yield* items;
}
const e = (key: string): Entry => ({ key, size: 1 });
const s = (key: string): StateRecord => ({ key, src: { size: 1 }, dst: { size: 1 } });

async function collect(src: Entry[], dst: Entry[], state?: StateRecord[]) {
  const out: string[] = [];
  for await (const t of threeWayMerge(stream(src), stream(dst), state && stream(state))) {
    out.push(`${t.key}:${t.src ? "A" : "-"}${t.dst ? "B" : "-"}${t.prev ? "S" : "-"}`);
  }
  return out;
}

describe("threeWayMerge", () => {
  it("pairs equal keys of both listings and the state, in byte order", async () => {
    expect(await collect([e("a"), e("c"), e("e")], [e("b"), e("c"), e("f")], [s("a"), s("d"), s("f"), s("g")])).toEqual([
      "a:A-S",
      "b:-B-",
      "c:AB-",
      "d:--S",
      "e:A--",
      "f:-BS",
      "g:--S",
    ]);
  });

  it("without state yields the two listings' union", async () => {
    expect(await collect([e("x")], [e("x"), e("y")])).toEqual(["x:AB-", "y:-B-"]);
  });

  it("orders by UTF-8 bytes, not UTF-16 units", async () => {
    expect(await collect([e("ｆ"), e("😀")], [], [s("ｆ"), s("😀")])).toEqual(["ｆ:A-S", "😀:A-S"]);
  });

  it("refuses an unsorted or duplicated listing", async () => {
    await expect(collect([e("b"), e("a")], [])).rejects.toThrow(/source listing is out of order/);
    await expect(collect([], [e("a"), e("a")])).rejects.toThrow(/destination listing is listed twice/);
  });

  it("stops the inputs when the consumer stops early", async () => {
    let closed = 0;
    async function* endless(): AsyncGenerator<Entry> {
      try {
        for (let i = 0; ; i++) yield e(String(i).padStart(6, "0"));
      } finally {
        closed++;
      }
    }
    for await (const t of threeWayMerge(endless(), endless(), undefined)) if (t.key === "000003") break;
    expect(closed).toBe(2);
  });

  it("refuses an unsorted or duplicated state (it would read keys as deleted)", async () => {
    await expect(collect([], [], [s("b"), s("a")])).rejects.toThrow(/out of order/);
    await expect(collect([], [], [s("a"), s("a")])).rejects.toThrow(/duplicated/);
  });

  it("merges 100k keys per input with memory independent of the count", async () => {
    v8.setFlagsFromString("--expose-gc");
    const gc = vm.runInNewContext("gc") as () => void;
    const n = 100_000;
    const key = (i: number) => `dir-${i % 97}/${String(i).padStart(9, "0")}.txt`;
    // a listing's keys sorted once up front would itself cost memory, so the generators walk
    // an order that is sorted by construction
    const order = Array.from({ length: 97 }, (_, d) => d).sort((x, y) => (`dir-${x}/` < `dir-${y}/` ? -1 : 1));
    async function* listing(offset: number): AsyncGenerator<Entry> {
      for (const d of order) for (let i = d; i < n; i += 97) if ((i + offset) % 3 !== 0) yield { key: key(i), size: i, mtime: i };
    }
    async function* state(): AsyncGenerator<StateRecord> {
      for (const d of order) for (let i = d; i < n; i += 97) yield { key: key(i), src: { size: i, mtime: i, hashes: { md5: "0".repeat(32) } }, dst: { size: i, mtime: i } };
    }
    gc();
    const base = process.memoryUsage().heapUsed;
    let count = 0;
    let grown = 0;
    for await (const t of threeWayMerge(listing(0), listing(1), state())) {
      if (t.prev) count++;
      if (count % 25_000 === 0) {
        gc();
        grown = Math.max(grown, process.memoryUsage().heapUsed - base);
      }
    }
    expect(count).toBe(n);
    // holding 100k state records alone would take well over 20 MB
    expect(grown).toBeLessThan(4 * 1024 * 1024);
  });
});
