import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Adapter, ConflictStrategy, FerryEvent } from "@ferry/core";
import { bisync, type BisyncOptions } from "../src/index.js";
import { freshMemory, keys, put, read } from "./helpers.js";

const stateRoot = fs.mkdtempSync(path.join(os.tmpdir(), "ferry-bisync-conflicts-"));
afterAll(() => fs.rmSync(stateRoot, { recursive: true, force: true }));

const T0 = 1_700_000_000_000;
let n = 0;

async function contents(adapter: Adapter): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const k of await keys(adapter)) out[k] = await read(adapter, k);
  return out;
}

function pair(options: BisyncOptions = {}) {
  const a = freshMemory("a");
  const b = freshMemory("b");
  const stateDir = path.join(stateRoot, String(++n));
  return { a: a.adapter, b: b.adapter, run: (more: BisyncOptions = {}) => bisync(a.url, b.url, { stateDir, ...options, ...more }) };
}

/**
 * After a first run, A and B both edit notes.txt: A writes the newer but shorter version, B the
 * older but longer one, so every strategy has a distinct winner.
 */
async function conflicted(conflict: ConflictStrategy) {
  const p = pair({ conflict });
  for (const side of [p.a, p.b]) {
    await put(side, "notes.txt", "original");
    for (let i = 0; i < 3; i++) await put(side, `other-${i}.txt`, `other ${i}`);
  }
  expect((await p.run()).stats.outcome).toBe("success");
  await put(p.a, "notes.txt", "A newer", T0 + 20_000);
  await put(p.b, "notes.txt", "B is older and longer", T0 + 10_000);
  const r = await p.run();
  expect(r.stats.outcome).toBe("success");
  expect(r.conflicts).toHaveLength(1);
  return { ...p, r, c: r.conflicts[0]! };
}

const KEPT = /^notes\.conflict-(src|dst)-\d{8}T\d{6}Z\.txt$/;
const others = { "other-0.txt": "other 0", "other-1.txt": "other 1", "other-2.txt": "other 2" };

describe("conflict strategies (SPEC §9): no strategy loses a version", () => {
  it("keep-both (default): the newer keeps the name, the loser is kept as a conflict copy on both sides", async () => {
    const { a, b, c, run } = await conflicted("keep-both");
    expect(c).toMatchObject({ key: "notes.txt", resolution: "keep-both", winner: "src", keptAs: { side: "dst" } });
    expect(c.keptAs!.key).toMatch(KEPT);
    const expected = { ...others, "notes.txt": "A newer", [c.keptAs!.key]: "B is older and longer" };
    expect(await contents(a)).toEqual(expected);
    expect(await contents(b)).toEqual(expected);
    const again = await run();
    expect(again.uploaded.length + again.downloaded.length + again.conflicts.length).toBe(0);
  });

  const oneSided: Array<[ConflictStrategy, "src" | "dst", string, string]> = [
    ["newer", "src", "A newer", "B is older and longer"],
    ["older", "dst", "B is older and longer", "A newer"],
    ["source", "src", "A newer", "B is older and longer"],
    ["destination", "dst", "B is older and longer", "A newer"],
    ["larger", "dst", "B is older and longer", "A newer"],
  ];
  for (const [strategy, winner, kept, lost] of oneSided) {
    it(`${strategy}: ${winner === "src" ? "A" : "B"} wins; the losing version stays on its own side as a conflict copy`, async () => {
      const { a, b, c, run } = await conflicted(strategy);
      const loser = winner === "src" ? "dst" : "src";
      expect(c).toMatchObject({ key: "notes.txt", resolution: strategy, winner, keptAs: { side: loser } });
      expect(c.keptAs!.key).toMatch(KEPT);
      const loserSide = loser === "src" ? a : b;
      const winnerSide = loser === "src" ? b : a;
      expect(await contents(winnerSide)).toEqual({ ...others, "notes.txt": kept });
      expect(await contents(loserSide)).toEqual({ ...others, "notes.txt": kept, [c.keptAs!.key]: lost });
      // the conflict is resolved: later runs leave the one-sided copy where it is
      const again = await run();
      expect(again.uploaded.length + again.downloaded.length + again.deleted.src.length + again.deleted.dst.length).toBe(0);
      expect(again.skipped).toContain(c.keptAs!.key);
      expect(await contents(winnerSide)).toEqual({ ...others, "notes.txt": kept });
    });
  }

  it("a conflict copy name never overwrites an existing key", async () => {
    const p = pair();
    await put(p.a, "x.txt", "base");
    await put(p.b, "x.txt", "base");
    await p.run();
    await put(p.a, "x.txt", "A edit", T0 + 9_000);
    await put(p.b, "x.txt", "B edit", T0 + 5_000);
    // a dry run tells us the name the conflict copy would get; a file of that name then appears
    const dry = await p.run({ dryRun: true });
    const name = dry.conflicts[0]!.keptAs!.key;
    await put(p.b, name, "user file with the same name", T0 + 5_000);
    await put(p.a, name, "user file with the same name", T0 + 5_000);
    const r = await p.run();
    const kept = r.conflicts[0]!.keptAs!.key;
    expect(kept).not.toBe(name);
    expect(await read(p.a, name)).toBe("user file with the same name");
    expect(await read(p.a, kept)).toBe("B edit");
    expect(await read(p.b, kept)).toBe("B edit");
  });

  it("conflicts are reported as events and counted in the summary", async () => {
    const p = pair();
    await put(p.a, "c.txt", "one");
    await put(p.b, "c.txt", "two", T0 + 1000);
    const events: FerryEvent[] = [];
    const r = await p.run({ onEvent: (e) => events.push(e) });
    expect(events.filter((e) => e.type === "conflict")).toHaveLength(1);
    const summary = events.find((e) => e.type === "summary");
    expect(summary?.type === "summary" && summary.summary.conflicts).toBe(1);
    expect(r.stats.conflicts).toBe(1);
  });
});

describe("first run (no saved state)", () => {
  async function sides(p: ReturnType<typeof pair>) {
    await put(p.a, "both-same.txt", "same");
    await put(p.b, "both-same.txt", "same");
    await put(p.a, "both-differ.txt", "A's", T0 + 5000);
    await put(p.b, "both-differ.txt", "B's", T0);
    await put(p.a, "only-a.txt", "a");
    await put(p.b, "only-b.txt", "b");
    await put(p.a, "a2.txt", "a2");
    await put(p.b, "b2.txt", "b2");
  }

  it("merge (default): union of both sides, no deletions, differing keys handled as conflicts", async () => {
    const p = pair();
    await sides(p);
    const r = await p.run();
    expect(r.firstRun).toBe(true);
    expect(r.deleted).toEqual({ src: [], dst: [] });
    expect(r.conflicts).toHaveLength(1);
    const kept = r.conflicts[0]!.keptAs!.key;
    expect(kept).toMatch(/^both-differ\.conflict-dst-/);
    expect(r.uploaded.sort()).toEqual(["a2.txt", "both-differ.txt", "only-a.txt"]);
    expect(r.downloaded.sort()).toEqual(["b2.txt", kept, "only-b.txt"].sort());
    const union = { "a2.txt": "a2", "b2.txt": "b2", "both-differ.txt": "A's", [kept]: "B's", "both-same.txt": "same", "only-a.txt": "a", "only-b.txt": "b" };
    expect(await contents(p.a)).toEqual(union);
    expect(await contents(p.b)).toEqual(union);
  });

  it("source-wins: A is authoritative, B's extra keys are deleted", async () => {
    const p = pair();
    await sides(p);
    const r = await p.run({ initial: "source-wins", maxDelete: "100%" });
    expect(r.deleted.dst.sort()).toEqual(["b2.txt", "only-b.txt"]);
    expect(r.conflicts).toEqual([]);
    const a = { "a2.txt": "a2", "both-differ.txt": "A's", "both-same.txt": "same", "only-a.txt": "a" };
    expect(await contents(p.a)).toEqual(a);
    expect(await contents(p.b)).toEqual(a);
    // from then on it is ordinary two-way sync
    await put(p.b, "later.txt", "later");
    expect((await p.run()).downloaded).toEqual(["later.txt"]);
  });

  it("destination-wins: B is authoritative, A's extra keys are deleted", async () => {
    const p = pair();
    await sides(p);
    const r = await p.run({ initial: "destination-wins", maxDelete: "100%" });
    expect(r.deleted.src.sort()).toEqual(["a2.txt", "only-a.txt"]);
    const b = { "b2.txt": "b2", "both-differ.txt": "B's", "both-same.txt": "same", "only-b.txt": "b" };
    expect(await contents(p.a)).toEqual(b);
    expect(await contents(p.b)).toEqual(b);
  });

  it("warns, naming --initial, when one side has far more files than the other", async () => {
    const p = pair();
    for (let i = 0; i < 40; i++) await put(p.b, `vault/${i}.txt`, `v${i}`);
    await put(p.a, "one.txt", "1");
    const warnings: string[] = [];
    const r = await p.run({ onEvent: (e) => e.type === "warning" && warnings.push(e.message) });
    expect(r.stats.outcome).toBe("success");
    expect(warnings.some((w) => /destination has 40 files but the source only 1/.test(w) && /--initial/.test(w))).toBe(true);
    // an explicit choice is not second-guessed
    const q = pair();
    for (let i = 0; i < 40; i++) await put(q.b, `vault/${i}.txt`, `v${i}`);
    const quiet: string[] = [];
    await q.run({ initial: "merge", onEvent: (e) => e.type === "warning" && quiet.push(e.message) });
    expect(quiet).toEqual([]);
  });

  it("resync rebuilds the state as a merge, ignoring what was saved", async () => {
    const p = pair();
    await put(p.a, "k.txt", "k");
    await p.run();
    expect(await contents(p.b)).toEqual({ "k.txt": "k" });
    // without state, a deletion on A would delete B's copy; with resync it is restored instead
    await p.a.delete(["k.txt"]);
    const r = await p.run({ resync: true });
    expect(r.firstRun).toBe(true);
    expect(r.downloaded).toEqual(["k.txt"]);
    expect(await contents(p.a)).toEqual({ "k.txt": "k" });
  });
});
