import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import v8 from "node:v8";
import vm from "node:vm";
import { afterAll, describe, expect, it } from "vitest";
import type { StateRecord } from "@ferry/core";
import { STATE_FORMAT, STATE_VERSION, type StateHeader } from "../src/state/state-codec.js";
import { StateWriter, loadState } from "../src/state/state-file.js";
import { defaultStateDir, pairFiles } from "../src/state/state-location.js";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ferry-bisync-state-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const roots = { src: "file:///data/a/", dst: "s3://bucket/b/" };
const header = (): StateHeader => ({ format: STATE_FORMAT, version: STATE_VERSION, roots, filter: "{}", written: new Date().toISOString() });
const key = (i: number) => `photos/${String(i % 100).padStart(3, "0")}/${String(i).padStart(7, "0")}.jpg`;
const record = (k: string, i: number): StateRecord => ({
  key: k,
  src: { size: i, mtime: 1_700_000_000_000 + i, hashes: { sha256: i.toString(16).padStart(64, "0") } },
  dst: { size: i, mtime: 1_700_000_000_000 + i, etag: i.toString(16).padStart(32, "0") },
});

describe("the state file", () => {
  it("a 100k-key state is written and streamed back with memory independent of its size", async () => {
    const file = path.join(dir, "big.bisync-state");
    const writer = await StateWriter.create(file, header());
    // keys in byte order: the directory part first, then the index
    const ordered = Array.from({ length: 100 }, (_, d) => d);
    let total = 0;
    for (const d of ordered) for (let i = d; i < 100_000; i += 100) await writer.add(record(key(i), i)), total++;
    await writer.commit();
    expect(total).toBe(100_000);
    expect(fs.statSync(file).size).toBeGreaterThan(15_000_000);

    v8.setFlagsFromString("--expose-gc");
    const gc = vm.runInNewContext("gc") as () => void;
    const saved = await loadState(file, roots);
    expect(saved?.header.roots).toEqual(roots);
    gc();
    const base = process.memoryUsage().heapUsed;
    let seen = 0;
    let grown = 0;
    let last = "";
    for await (const r of saved!.records()) {
      expect(r.key > last || seen === 0).toBe(true);
      last = r.key;
      if (++seen % 20_000 === 0) {
        gc();
        grown = Math.max(grown, process.memoryUsage().heapUsed - base);
      }
    }
    expect(seen).toBe(100_000);

    // what holding the records would cost, for scale
    const held: StateRecord[] = [];
    for await (const r of saved!.records()) held.push(r);
    gc();
    const holding = process.memoryUsage().heapUsed - base;
    expect(held).toHaveLength(100_000);
    expect(holding).toBeGreaterThan(30 * 1024 * 1024);
    expect(grown).toBeLessThan(holding / 10);
  }, 60_000);

  it("late records are merged into key order on commit", async () => {
    const file = path.join(dir, "late.bisync-state");
    const w = await StateWriter.create(file, header());
    for (const k of ["b", "d", "f"]) await w.add({ key: k, src: { size: 1 } });
    w.addLate({ key: "e", dst: { size: 2 } });
    w.addLate({ key: "a", dst: { size: 2 } });
    w.addLate({ key: "g", dst: { size: 2 } });
    await w.commit();
    const keys: string[] = [];
    for await (const r of (await loadState(file, roots))!.records()) keys.push(r.key);
    expect(keys).toEqual(["a", "b", "d", "e", "f", "g"]);
    expect(fs.readdirSync(dir).filter((f) => f.includes(".tmp-"))).toEqual([]);
  });

  it("a discarded write leaves the previous state as it was", async () => {
    const file = path.join(dir, "keep.bisync-state");
    const w1 = await StateWriter.create(file, header());
    await w1.add({ key: "old", src: { size: 1 }, dst: { size: 1 } });
    await w1.commit();
    const before = fs.readFileSync(file, "utf8");
    const w2 = await StateWriter.create(file, header());
    await w2.add({ key: "new", src: { size: 1 } });
    await w2.discard();
    expect(fs.readFileSync(file, "utf8")).toBe(before);
  });

  it("the sides swap when the pair is given the other way round", async () => {
    const file = path.join(dir, "swap.bisync-state");
    const w = await StateWriter.create(file, header());
    await w.add({ key: "k", src: { size: 1 } });
    await w.commit();
    const swapped = await loadState(file, { src: roots.dst, dst: roots.src });
    expect(swapped!.swapped).toBe(true);
    for await (const r of swapped!.records()) expect(r).toEqual({ key: "k", dst: { size: 1 } });
  });

  it("lives in $XDG_STATE_HOME/ferry, else ~/.local/state/ferry; one file per pair and filter set", () => {
    expect(defaultStateDir({ XDG_STATE_HOME: "/x/state", HOME: "/home/u" })).toBe("/x/state/ferry");
    expect(defaultStateDir({ HOME: "/home/u" })).toBe("/home/u/.local/state/ferry");
    const f1 = pairFiles("/s", roots, "{}");
    const f2 = pairFiles("/s", { src: roots.dst, dst: roots.src }, "{}");
    const f3 = pairFiles("/s", roots, '{"rules":[["exclude","*.log"]]}');
    expect(f1).toEqual(f2);
    expect(f3.state).not.toBe(f1.state);
    expect(f3.lock).toBe(f1.lock);
    expect(path.basename(f1.state)).toMatch(/^data_a__bucket_b\.[0-9a-f]{16}\.bisync-state$/);
  });
});
