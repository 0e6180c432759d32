import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Adapter, FerryEvent } from "@ferry/core";
import { bisync, type BisyncOptions, type BisyncResult } from "../src/index.js";
import { freshMemory, keys, put, read } from "./helpers.js";

// Scenario tables of syncengine's "Sync Modes" reference, one test per row, run end to end
// between memory locations: each row changes one or both sides after a first run has saved
// state, runs bisync, checks the actions and the contents, then checks a further run has
// nothing left to do (the state converged).

const stateRoot = fs.mkdtempSync(path.join(os.tmpdir(), "ferry-bisync-scenarios-"));
afterAll(() => fs.rmSync(stateRoot, { recursive: true, force: true }));

const T0 = 1_700_000_000_000;
const LATER = T0 + 60_000;
const LATEST = T0 + 120_000;
const BACKGROUND = ["bg/1.txt", "bg/2.txt", "bg/3.txt", "bg/4.txt"];

interface World {
  a: Adapter;
  b: Adapter;
  run(options?: BisyncOptions): Promise<BisyncResult>;
}

let worlds = 0;
/** Two memory locations holding the same files, after a first run saved their state. */
async function world(options: BisyncOptions = {}): Promise<World> {
  const a = freshMemory("a");
  const b = freshMemory("b");
  for (const side of [a.adapter, b.adapter]) {
    for (const k of BACKGROUND) await put(side, k, `background ${k}`);
    await put(side, "doc.txt", "version 1");
  }
  const stateDir = path.join(stateRoot, String(++worlds));
  const run = (more: BisyncOptions = {}) => bisync(a.url, b.url, { stateDir, ...options, ...more });
  const first = await run();
  expect(first.stats.outcome).toBe("success");
  expect(first.firstRun).toBe(true);
  return { a: a.adapter, b: b.adapter, run };
}

async function contents(adapter: Adapter): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const k of await keys(adapter)) out[k] = await read(adapter, k);
  return out;
}

async function move(adapter: Adapter, from: string, to: string): Promise<void> {
  await adapter.move!(from, to);
}

interface Expected {
  uploaded?: string[];
  downloaded?: string[];
  deletedSrc?: string[];
  deletedDst?: string[];
  renamed?: BisyncResult["renamed"];
  conflicts?: number;
}

interface Row {
  /** the seed's "Change" column */
  change: string;
  /** the seed's "Action" column (or SPEC §3's, where it wins) */
  action: string;
  act(w: World): Promise<void>;
  expect: Expected;
  /** contents each side holds afterwards (keys other than the background files) */
  a: Record<string, string>;
  b: Record<string, string>;
}

function brief(r: BisyncResult): Required<Expected> {
  return {
    uploaded: [...r.uploaded].sort(),
    downloaded: [...r.downloaded].sort(),
    deletedSrc: [...r.deleted.src].sort(),
    deletedDst: [...r.deleted.dst].sort(),
    renamed: r.renamed,
    conflicts: r.conflicts.length,
  };
}

const nothing: Required<Expected> = { uploaded: [], downloaded: [], deletedSrc: [], deletedDst: [], renamed: [], conflicts: 0 };

async function foreground(adapter: Adapter): Promise<Record<string, string>> {
  const all = await contents(adapter);
  for (const k of BACKGROUND) {
    expect(all[k]).toBe(`background ${k}`);
    delete all[k];
  }
  return all;
}

async function runRow(row: Row, options: BisyncOptions = {}) {
  const w = await world(options);
  await row.act(w);
  const r = await w.run();
  expect(r.stats.outcome).toBe("success");
  expect(r.errors).toBeUndefined();
  expect(brief(r)).toEqual({ ...nothing, ...row.expect });
  expect(await foreground(w.a)).toEqual(row.a);
  expect(await foreground(w.b)).toEqual(row.b);
  const again = await w.run();
  expect(again.stats.outcome).toBe("success");
  expect(brief(again)).toEqual(nothing);
  expect(again.stats.transferred + again.stats.deleted + again.stats.moved).toBe(0);
}

const V1 = "version 1";

describe("twoWay: syncengine TWO_WAY scenarios", () => {
  const rows: Row[] = [
    {
      change: "Add file at source",
      action: "Upload to destination",
      act: (w) => put(w.a, "new.txt", "fresh", LATER),
      expect: { uploaded: ["new.txt"] },
      a: { "doc.txt": V1, "new.txt": "fresh" },
      b: { "doc.txt": V1, "new.txt": "fresh" },
    },
    {
      change: "Add file at destination",
      action: "Download to source",
      act: (w) => put(w.b, "new.txt", "fresh", LATER),
      expect: { downloaded: ["new.txt"] },
      a: { "doc.txt": V1, "new.txt": "fresh" },
      b: { "doc.txt": V1, "new.txt": "fresh" },
    },
    {
      change: "Modify file at source",
      action: "Upload to destination",
      act: (w) => put(w.a, "doc.txt", "version 2", LATER),
      expect: { uploaded: ["doc.txt"] },
      a: { "doc.txt": "version 2" },
      b: { "doc.txt": "version 2" },
    },
    {
      change: "Modify file at destination",
      action: "Download to source",
      act: (w) => put(w.b, "doc.txt", "version 2", LATER),
      expect: { downloaded: ["doc.txt"] },
      a: { "doc.txt": "version 2" },
      b: { "doc.txt": "version 2" },
    },
    {
      change: "Delete file at source",
      action: "Delete at destination",
      act: async (w) => void (await w.a.delete(["doc.txt"])),
      expect: { deletedDst: ["doc.txt"] },
      a: {},
      b: {},
    },
    {
      change: "Delete file at destination",
      action: "Delete at source",
      act: async (w) => void (await w.b.delete(["doc.txt"])),
      expect: { deletedSrc: ["doc.txt"] },
      a: {},
      b: {},
    },
    {
      change: "Rename file at source",
      action: "Rename at destination",
      act: (w) => move(w.a, "doc.txt", "docs/renamed.txt"),
      expect: { renamed: [{ side: "dst", from: "doc.txt", to: "docs/renamed.txt" }] },
      a: { "docs/renamed.txt": V1 },
      b: { "docs/renamed.txt": V1 },
    },
    {
      change: "Rename file at destination",
      action: "Rename at source",
      act: (w) => move(w.b, "doc.txt", "a-renamed.txt"),
      expect: { renamed: [{ side: "src", from: "doc.txt", to: "a-renamed.txt" }] },
      a: { "a-renamed.txt": V1 },
      b: { "a-renamed.txt": V1 },
    },
  ];
  for (const row of rows) it(`${row.change} → ${row.action}`, () => runRow(row));

  it("Modify file at both sides → Conflict (resolved by the strategy; keep-both by default)", async () => {
    const w = await world();
    await put(w.a, "doc.txt", "edited on A", LATEST);
    await put(w.b, "doc.txt", "edited on B", LATER);
    const events: FerryEvent[] = [];
    const r = await w.run({ onEvent: (e) => events.push(e) });
    expect(r.stats.outcome).toBe("success");
    expect(r.conflicts).toHaveLength(1);
    const c = r.conflicts[0]!;
    expect(c).toMatchObject({ key: "doc.txt", resolution: "keep-both", winner: "src", keptAs: { side: "dst" } });
    expect(c.keptAs!.key).toMatch(/^doc\.conflict-dst-\d{8}T\d{6}Z\.txt$/);
    expect(r.stats.conflicts).toBe(1);
    expect(events.filter((e) => e.type === "conflict")).toHaveLength(1);
    const kept = c.keptAs!.key;
    expect(await foreground(w.a)).toEqual({ "doc.txt": "edited on A", [kept]: "edited on B" });
    expect(await foreground(w.b)).toEqual({ "doc.txt": "edited on A", [kept]: "edited on B" });
    const again = await w.run();
    expect(brief(again)).toEqual(nothing);
  });

  it("a change beats a deletion on the other side (nothing is lost)", async () => {
    const w = await world();
    await w.a.delete(["doc.txt"]);
    await put(w.b, "doc.txt", "edited on B", LATER);
    const r = await w.run();
    expect(brief(r)).toEqual({ ...nothing, downloaded: ["doc.txt"] });
    expect(await read(w.a, "doc.txt")).toBe("edited on B");
  });

  it("a key deleted on both sides is simply forgotten", async () => {
    const w = await world();
    await w.a.delete(["doc.txt"]);
    await w.b.delete(["doc.txt"]);
    const r = await w.run();
    expect(brief(r)).toEqual(nothing);
    expect((await w.run()).stats.outcome).toBe("success");
  });

  it("the same change made on both sides is not a conflict", async () => {
    const w = await world();
    await put(w.a, "doc.txt", "same edit", LATER);
    await put(w.b, "doc.txt", "same edit", LATER);
    const r = await w.run();
    expect(brief(r)).toEqual(nothing);
  });

  it("a rename whose content also changed is a delete plus an upload, never a wrong move", async () => {
    const w = await world();
    await w.a.delete(["doc.txt"]);
    await put(w.a, "renamed.txt", "version X", T0); // same size and mtime as doc.txt, other bytes
    const r = await w.run();
    expect(brief(r)).toEqual({ ...nothing, uploaded: ["renamed.txt"], deletedDst: ["doc.txt"] });
    expect(await read(w.b, "renamed.txt")).toBe("version X");
  });

  it("a no-op run transfers nothing and reports every key as skipped", async () => {
    const w = await world();
    const r = await w.run();
    expect(brief(r)).toEqual(nothing);
    expect(r.skipped.sort()).toEqual([...BACKGROUND, "doc.txt"].sort());
    expect(r.firstRun).toBe(false);
    expect(r.stateSaved).toBe(true);
  });
});

describe("sourceToDestination (mirror): syncengine SOURCE_TO_DESTINATION scenarios", () => {
  const rows: Row[] = [
    {
      change: "Add file at source",
      action: "Upload to destination",
      act: (w) => put(w.a, "new.txt", "fresh", LATER),
      expect: { uploaded: ["new.txt"] },
      a: { "doc.txt": V1, "new.txt": "fresh" },
      b: { "doc.txt": V1, "new.txt": "fresh" },
    },
    {
      change: "Add file at destination",
      action: "Delete at destination (not in source)",
      act: (w) => put(w.b, "new.txt", "fresh", LATER),
      expect: { deletedDst: ["new.txt"] },
      a: { "doc.txt": V1 },
      b: { "doc.txt": V1 },
    },
    {
      change: "Modify file at source",
      action: "Upload to destination",
      act: (w) => put(w.a, "doc.txt", "version 2", LATER),
      expect: { uploaded: ["doc.txt"] },
      a: { "doc.txt": "version 2" },
      b: { "doc.txt": "version 2" },
    },
    {
      change: "Modify file at destination",
      action: "Overwrite with source version",
      act: (w) => put(w.b, "doc.txt", "version 2", LATER),
      expect: { uploaded: ["doc.txt"] },
      a: { "doc.txt": V1 },
      b: { "doc.txt": V1 },
    },
    {
      change: "Delete file at source",
      action: "Delete at destination",
      act: async (w) => void (await w.a.delete(["doc.txt"])),
      expect: { deletedDst: ["doc.txt"] },
      a: {},
      b: {},
    },
    {
      change: "Delete file at destination",
      action: "Re-upload from source",
      act: async (w) => void (await w.b.delete(["doc.txt"])),
      expect: { uploaded: ["doc.txt"] },
      a: { "doc.txt": V1 },
      b: { "doc.txt": V1 },
    },
    {
      change: "Rename file at source",
      action: "Rename at destination (old file deleted)",
      act: (w) => move(w.a, "doc.txt", "renamed.txt"),
      expect: { renamed: [{ side: "dst", from: "doc.txt", to: "renamed.txt" }] },
      a: { "renamed.txt": V1 },
      b: { "renamed.txt": V1 },
    },
  ];
  for (const row of rows) it(`${row.change} → ${row.action}`, () => runRow(row, { mode: "sourceToDestination" }));
});

describe("sourceBackup: syncengine SOURCE_BACKUP scenarios (SPEC §3 wins: this mode never downloads)", () => {
  const rows: Row[] = [
    {
      change: "Add file at source",
      action: "Upload to destination",
      act: (w) => put(w.a, "new.txt", "fresh", LATER),
      expect: { uploaded: ["new.txt"] },
      a: { "doc.txt": V1, "new.txt": "fresh" },
      b: { "doc.txt": V1, "new.txt": "fresh" },
    },
    {
      // the seed says "Download to source"; SPEC §3 (downloads: no) wins
      change: "Add file at destination",
      action: "No action (the destination keeps it)",
      act: (w) => put(w.b, "new.txt", "fresh", LATER),
      expect: {},
      a: { "doc.txt": V1 },
      b: { "doc.txt": V1, "new.txt": "fresh" },
    },
    {
      change: "Modify file at source",
      action: "Upload to destination",
      act: (w) => put(w.a, "doc.txt", "version 2", LATER),
      expect: { uploaded: ["doc.txt"] },
      a: { "doc.txt": "version 2" },
      b: { "doc.txt": "version 2" },
    },
    {
      // the seed says "Download to source"; SPEC §3 (downloads: no) wins, and the mirror image
      // of DESTINATION_BACKUP's "Modify file at source → Overwrite with destination version"
      change: "Modify file at destination",
      action: "Overwrite with source version",
      act: (w) => put(w.b, "doc.txt", "version 2", LATER),
      expect: { uploaded: ["doc.txt"] },
      a: { "doc.txt": V1 },
      b: { "doc.txt": V1 },
    },
    {
      change: "Delete file at source",
      action: "NO ACTION (backup preserved)",
      act: async (w) => void (await w.a.delete(["doc.txt"])),
      expect: {},
      a: {},
      b: { "doc.txt": V1 },
    },
    {
      change: "Delete file at destination",
      action: "Re-upload from source",
      act: async (w) => void (await w.b.delete(["doc.txt"])),
      expect: { uploaded: ["doc.txt"] },
      a: { "doc.txt": V1 },
      b: { "doc.txt": V1 },
    },
    {
      change: "Rename file at source",
      action: "Rename at destination (old backup kept)",
      act: (w) => move(w.a, "doc.txt", "renamed.txt"),
      expect: { uploaded: ["renamed.txt"] },
      a: { "renamed.txt": V1 },
      b: { "doc.txt": V1, "renamed.txt": V1 },
    },
  ];
  for (const row of rows) it(`${row.change} → ${row.action}`, () => runRow(row, { mode: "sourceBackup" }));
});

describe("destinationToSource: syncengine DESTINATION_TO_SOURCE scenarios", () => {
  const rows: Row[] = [
    {
      change: "Add file at source",
      action: "Delete at source (not in destination)",
      act: (w) => put(w.a, "new.txt", "fresh", LATER),
      expect: { deletedSrc: ["new.txt"] },
      a: { "doc.txt": V1 },
      b: { "doc.txt": V1 },
    },
    {
      change: "Add file at destination",
      action: "Download to source",
      act: (w) => put(w.b, "new.txt", "fresh", LATER),
      expect: { downloaded: ["new.txt"] },
      a: { "doc.txt": V1, "new.txt": "fresh" },
      b: { "doc.txt": V1, "new.txt": "fresh" },
    },
    {
      change: "Modify file at source",
      action: "Overwrite with destination version",
      act: (w) => put(w.a, "doc.txt", "version 2", LATER),
      expect: { downloaded: ["doc.txt"] },
      a: { "doc.txt": V1 },
      b: { "doc.txt": V1 },
    },
    {
      change: "Modify file at destination",
      action: "Download to source",
      act: (w) => put(w.b, "doc.txt", "version 2", LATER),
      expect: { downloaded: ["doc.txt"] },
      a: { "doc.txt": "version 2" },
      b: { "doc.txt": "version 2" },
    },
    {
      change: "Delete file at source",
      action: "Re-download from destination",
      act: async (w) => void (await w.a.delete(["doc.txt"])),
      expect: { downloaded: ["doc.txt"] },
      a: { "doc.txt": V1 },
      b: { "doc.txt": V1 },
    },
    {
      change: "Delete file at destination",
      action: "Delete at source",
      act: async (w) => void (await w.b.delete(["doc.txt"])),
      expect: { deletedSrc: ["doc.txt"] },
      a: {},
      b: {},
    },
    {
      change: "Rename file at destination",
      action: "Rename at source (old file deleted)",
      act: (w) => move(w.b, "doc.txt", "renamed.txt"),
      expect: { renamed: [{ side: "src", from: "doc.txt", to: "renamed.txt" }] },
      a: { "renamed.txt": V1 },
      b: { "renamed.txt": V1 },
    },
  ];
  for (const row of rows) it(`${row.change} → ${row.action}`, () => runRow(row, { mode: "destinationToSource" }));
});

describe("destinationBackup: syncengine DESTINATION_BACKUP scenarios", () => {
  const rows: Row[] = [
    {
      change: "Add file at source",
      action: "NO ACTION (ignored)",
      act: (w) => put(w.a, "new.txt", "fresh", LATER),
      expect: {},
      a: { "doc.txt": V1, "new.txt": "fresh" },
      b: { "doc.txt": V1 },
    },
    {
      change: "Add file at destination",
      action: "Download to source",
      act: (w) => put(w.b, "new.txt", "fresh", LATER),
      expect: { downloaded: ["new.txt"] },
      a: { "doc.txt": V1, "new.txt": "fresh" },
      b: { "doc.txt": V1, "new.txt": "fresh" },
    },
    {
      change: "Modify file at source",
      action: "Overwrite with destination version",
      act: (w) => put(w.a, "doc.txt", "version 2", LATER),
      expect: { downloaded: ["doc.txt"] },
      a: { "doc.txt": V1 },
      b: { "doc.txt": V1 },
    },
    {
      change: "Modify file at destination",
      action: "Download to source",
      act: (w) => put(w.b, "doc.txt", "version 2", LATER),
      expect: { downloaded: ["doc.txt"] },
      a: { "doc.txt": "version 2" },
      b: { "doc.txt": "version 2" },
    },
    {
      change: "Delete file at source",
      action: "Re-download from destination",
      act: async (w) => void (await w.a.delete(["doc.txt"])),
      expect: { downloaded: ["doc.txt"] },
      a: { "doc.txt": V1 },
      b: { "doc.txt": V1 },
    },
    {
      change: "Delete file at destination",
      action: "NO ACTION (backup preserved)",
      act: async (w) => void (await w.b.delete(["doc.txt"])),
      expect: {},
      a: { "doc.txt": V1 },
      b: {},
    },
    {
      change: "Rename file at destination",
      action: "Rename at source (old backup kept)",
      act: (w) => move(w.b, "doc.txt", "renamed.txt"),
      expect: { downloaded: ["renamed.txt"] },
      a: { "doc.txt": V1, "renamed.txt": V1 },
      b: { "renamed.txt": V1 },
    },
  ];
  for (const row of rows) it(`${row.change} → ${row.action}`, () => runRow(row, { mode: "destinationBackup" }));
});
