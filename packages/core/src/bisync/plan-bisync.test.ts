import v8 from "node:v8";
import vm from "node:vm";
import { describe, expect, it } from "vitest";
import type { Action, ConflictRecord } from "../actions.js";
import { type Adapter, type Capabilities, DEFAULT_CAPABILITIES, type Entry } from "../adapter.js";
import type { EntryDetails } from "../compare/comparator.js";
import { emptyStats } from "../events.js";
import { bisyncComparisons } from "./comparisons.js";
import { type BisyncCounts, checkBisyncGuards, emptyBisyncCounts } from "./guards.js";
import { type BisyncPlanInput, planBisync } from "./plan-bisync.js";
import type { StateRecord } from "./state-record.js";

// The planner reads adapters' names and capabilities only; hashes come through `details`.
const adapterWith = (name: string, caps: Partial<Capabilities> = {}): Adapter =>
  ({ name, root: `${name}://r/`, capabilities: { ...DEFAULT_CAPABILITIES, ...caps } }) as unknown as Adapter;
const disk = adapterWith("disk", { mtime: "native", mtimePrecision: 1, mtimeInList: true, hashes: ["md5"] });
const adapters = { src: disk, dst: { ...disk, name: "disk2" } as Adapter };

async function* stream<T>(items: T[]): AsyncGenerator<T> {
  yield* items;
}
const e = (key: string, size = 1, mtime = 1000, md5?: string): Entry => ({ key, size, mtime, type: "file", ...(md5 ? { hashes: { md5 } } : {}) });
const agreed = (key: string, size = 1, mtime = 1000): StateRecord => ({ key, src: { size, mtime }, dst: { size, mtime } });

/** md5 by key, as a read of the body would give it */
const bodies = new Map<string, string>();
const details: EntryDetails = {
  mtime: async (_s, entry) => entry.mtime,
  hash: async (side, entry) => bodies.get(`${side}:${entry.key}`),
};

async function plan(src: Entry[], dst: Entry[], state: StateRecord[] | undefined, more: Partial<BisyncPlanInput> = {}) {
  const stats = emptyStats();
  const counts = emptyBisyncCounts();
  const records: StateRecord[] = [];
  const late: StateRecord[] = [];
  const conflicts: ConflictRecord[] = [];
  const warnings: string[] = [];
  const c = bisyncComparisons(adapters);
  const actions: Action[] = [];
  for await (const a of planBisync({
    adapters,
    listings: { src: stream(src), dst: stream(dst) },
    ...(state ? { state: stream(state) } : {}),
    comparator: c.comparator,
    detectors: c.detectors,
    details,
    modifyWindow: c.modifyWindow,
    now: Date.UTC(2025, 0, 1),
    stats,
    counts,
    nextState: { add: (r) => void records.push(r), addLate: (r) => void late.push(r) },
    onConflict: (x) => conflicts.push(x),
    warn: (m) => warnings.push(m),
    ...more,
  })) {
    actions.push(a);
  }
  const brief = actions.map((a) =>
    a.type === "transfer"
      ? `copy ${a.from} ${a.key}→${a.targetKey} (${a.reason})`
      : a.type === "delete"
        ? `delete ${a.side} ${a.key}`
        : a.type === "move"
          ? `move ${a.side} ${a.fromKey}→${a.toKey} (${a.reason})`
          : `skip ${a.key} (${a.reason})`,
  );
  return { brief, records, late, conflicts, warnings, stats, counts };
}

describe("planBisync: renames", () => {
  it("a deletion plus an arrival with the same content is a move on the other side", async () => {
    bodies.set("src:new/name.txt", "h1").set("dst:old.txt", "h1");
    const { brief, late, records } = await plan([e("keep"), e("new/name.txt", 7, 5000)], [e("keep"), e("old.txt", 7, 5000)], [agreed("keep"), agreed("old.txt", 7, 5000)]);
    expect(brief).toEqual(["skip keep (identical)", "move dst old.txt→new/name.txt (rename)"]);
    expect(records.map((r) => r.key)).toEqual(["keep"]);
    expect(late).toEqual([{ key: "new/name.txt", src: { size: 7, mtime: 5000 }, dst: { size: 7, mtime: 5000, hashes: { md5: "h1" } } }]);
  });

  it("the same size and mtime with other content is not a rename", async () => {
    bodies.set("src:b.txt", "h2").set("dst:a.txt", "h3");
    const { brief } = await plan([e("b.txt", 7, 5000), e("x")], [e("a.txt", 7, 5000), e("x")], [agreed("a.txt", 7, 5000), agreed("x")]);
    expect(brief).toEqual(["skip x (identical)", "delete dst a.txt", "copy src b.txt→b.txt (new)"]);
  });

  it("known hashes prove a rename without reading anything", async () => {
    const reads: string[] = [];
    const counting: EntryDetails = { mtime: async (_s, x) => x.mtime, hash: async (s, x) => void reads.push(`${s}:${x.key}`) as undefined };
    const { brief } = await plan(
      [e("moved.bin", 9, 1, "abc")],
      [e("orig.bin", 9, 1, "abc")],
      [{ key: "orig.bin", src: { size: 9, mtime: 1, hashes: { md5: "abc" } }, dst: { size: 9, mtime: 1, hashes: { md5: "abc" } } }],
      { details: counting },
    );
    expect(brief).toEqual(["move dst orig.bin→moved.bin (rename)"]);
    expect(reads).toEqual([]);
  });

  it("past the rename limit, held keys are planned plainly and the run says so", async () => {
    const src = [e("n1", 1), e("n2", 2), e("n3", 3)];
    const { brief, warnings, late, records } = await plan(src, [e("gone", 4)], [agreed("gone", 4)], { renameLimit: 2 });
    expect(brief).toEqual(["delete dst gone", "copy src n1→n1 (new)", "copy src n2→n2 (new)", "copy src n3→n3 (new)"]);
    expect(warnings.some((w) => /renames are not detected/.test(w))).toBe(true);
    // the held arrival's record is behind the merge by then (late); the rest stay in order
    expect(late.map((r) => r.key)).toEqual(["n1"]);
    expect(records.map((r) => r.key)).toEqual(["n2", "n3"]);
  });
});

describe("planBisync: next state", () => {
  it("records what both sides will hold: copies as received, deletions dropped, one-sided keeps kept", async () => {
    const { brief, records, late } = await plan(
      [e("a", 1, 1000), e("b", 2, 2000), e("same")],
      [e("c", 3, 3000), e("one-sided"), e("same")],
      [agreed("c", 3, 3000), { key: "one-sided", dst: { size: 1, mtime: 1000 } }, agreed("same")],
    );
    expect(brief).toEqual(["skip one-sided (unchanged)", "skip same (identical)", "delete dst c", "copy src a→a (new)", "copy src b→b (new)"]);
    // in key order as the merge passes: the one-sided keep and the identical key; c is dropped
    expect(records).toEqual([
      { key: "one-sided", dst: { size: 1, mtime: 1000 } },
      { key: "same", src: { size: 1, mtime: 1000 }, dst: { size: 1, mtime: 1000 } },
    ]);
    // a and b were held as possible rename halves, so their records (B will hold A's size and
    // mtime) come late
    expect(late).toEqual([
      { key: "a", src: { size: 1, mtime: 1000 }, dst: { size: 1, mtime: 1000 } },
      { key: "b", src: { size: 2, mtime: 2000 }, dst: { size: 2, mtime: 2000 } },
    ]);
  });

  it("a key the filters leave out keeps its last agreement and is neither deleted nor forgotten", async () => {
    const { brief, records, stats } = await plan([e("big.iso", 500)], [e("big.iso", 400)], [agreed("big.iso", 400)], {
      filter: { includes: (_k, x) => (x?.size ?? 0) < 450 },
    });
    expect(brief).toEqual([]);
    expect(records).toEqual([agreed("big.iso", 400)]);
    expect(stats.excluded).toBe(1);
  });

  it("an unsure side (no signal saved) is settled by comparing both copies", async () => {
    const noMtime = { key: "k", src: { size: 1, mtime: 1000 }, dst: { size: 1 } };
    expect((await plan([e("k")], [e("k")], [noMtime])).brief).toEqual(["skip k (identical)"]);
    expect((await plan([e("k")], [e("k", 1, 7000)], [noMtime])).brief).toEqual(["copy dst k→k (changed)"]);
  });

  it("conflicts: the loser moves aside first, then the copies; both records are written", async () => {
    const { brief, conflicts, records, late } = await plan([e("n.txt", 1, 9000)], [e("n.txt", 2, 5000)], [agreed("n.txt", 3, 1000)]);
    expect(brief).toEqual([
      "move dst n.txt→n.conflict-dst-20250101T000000Z.txt (conflict-keep-both)",
      "copy src n.txt→n.txt (conflict)",
      "copy dst n.conflict-dst-20250101T000000Z.txt→n.conflict-dst-20250101T000000Z.txt (conflict)",
    ]);
    expect(conflicts).toHaveLength(1);
    expect(records).toEqual([{ key: "n.txt", src: { size: 1, mtime: 9000 }, dst: { size: 1, mtime: 9000 } }]);
    expect(late).toEqual([{ key: "n.conflict-dst-20250101T000000Z.txt", dst: { size: 2, mtime: 5000 }, src: { size: 2, mtime: 5000 } }]);
  });
});

describe("planBisync: a no-op run over 100k keys", () => {
  it("plans nothing and keeps memory independent of the number of keys", async () => {
    v8.setFlagsFromString("--expose-gc");
    const gc = vm.runInNewContext("gc") as () => void;
    const n = 100_000;
    const key = (i: number) => `k/${String(i).padStart(8, "0")}`;
    async function* listing(): AsyncGenerator<Entry> {
      for (let i = 0; i < n; i++) yield e(key(i), i, 1000 + i);
    }
    async function* state(): AsyncGenerator<StateRecord> {
      for (let i = 0; i < n; i++) yield agreed(key(i), i, 1000 + i);
    }
    const c = bisyncComparisons(adapters);
    const stats = emptyStats();
    let recorded = 0;
    let grown = 0;
    gc();
    const base = process.memoryUsage().heapUsed;
    let skipped = 0;
    for await (const a of planBisync({
      adapters,
      listings: { src: listing(), dst: listing() },
      state: state(),
      comparator: c.comparator,
      detectors: c.detectors,
      details,
      modifyWindow: 1,
      now: 0,
      stats,
      nextState: { add: () => void recorded++, addLate: () => undefined },
    })) {
      if (a.type === "skip") skipped++;
      if (skipped % 25_000 === 0) {
        gc();
        grown = Math.max(grown, process.memoryUsage().heapUsed - base);
      }
    }
    expect(skipped).toBe(n);
    expect(recorded).toBe(n);
    expect(stats.foundSrc).toBe(n);
    expect(grown).toBeLessThan(4 * 1024 * 1024);
  });
});

describe("per-side delete guards", () => {
  const counts = (over: Partial<BisyncCounts>): BisyncCounts => ({ ...emptyBisyncCounts(), ...over });
  it("holds each side to its own share", () => {
    expect(checkBisyncGuards(counts({ inScope: { src: 10, dst: 100 }, deletes: { src: 5, dst: 0 } }))).toBeUndefined();
    expect(checkBisyncGuards(counts({ inScope: { src: 10, dst: 100 }, deletes: { src: 6, dst: 0 } }))).toMatch(/6 keys on the source, more than --max-delete 50% \(5 of 10 keys\)/);
    expect(checkBisyncGuards(counts({ inScope: { src: 100, dst: 10 }, deletes: { src: 0, dst: 6 } }))).toMatch(/on the destination/);
  });
  it("never propagates an empty side's emptiness unless forced", () => {
    const empty = counts({ inScope: { src: 0, dst: 4 }, inState: { src: 4, dst: 4 }, deletes: { src: 0, dst: 4 } });
    expect(checkBisyncGuards(empty, { maxDelete: { kind: "percent", value: 100 } })).toMatch(/source lists no keys although the last run saw 4/);
    expect(checkBisyncGuards(empty, { force: true })).toBeUndefined();
  });
});
