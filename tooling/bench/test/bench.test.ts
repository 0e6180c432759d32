// Sanity checks of the benchmark's own parts (no timings: those belong to `pnpm bench`).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { plan } from "@ferry/sdk";
import { afterAll, describe, expect, it } from "vitest";
// @ts-expect-error plain .mjs modules without types
import { SyntheticAdapter, expectedPlan, keyOf } from "../src/synthetic-adapter.mjs";
// @ts-expect-error plain .mjs modules without types
import { ensurePristineTree, fileList, modifiedFiles, modifyTree, treeSpecs, verifyCopy } from "../src/trees.mjs";
// @ts-expect-error plain .mjs modules without types
import { evaluateTargets, formatTree, median } from "../src/report.mjs";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "ferry-bench-test-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe("synthetic adapter", () => {
  it("lists keys in byte order, honours prefix and startAfter", async () => {
    const a = new SyntheticAdapter({ side: "src", keys: 2500 });
    const keys = (await collect(a.list())).map((e: { key: string }) => e.key);
    expect(keys).toEqual([...keys].sort());
    expect(keys).not.toContain(keyOf(37));
    const dir1 = (await collect(a.list("d00001/"))).map((e: { key: string }) => e.key);
    expect(dir1[0]).toBe(keyOf(1000));
    expect(dir1.every((k: string) => k.startsWith("d00001/"))).toBe(true);
    const after = (await collect(a.list("", { startAfter: keyOf(2400) }))).map((e: { key: string }) => e.key);
    expect(after[0]).toBe(keyOf(2401));
  });

  it("a dry-run plan between the two sides has the expected transfers, deletes and skips", async () => {
    const keys = 5000;
    let transfers = 0;
    let deletes = 0;
    let skips = 0;
    const result = await plan(new SyntheticAdapter({ side: "src", keys }), new SyntheticAdapter({ side: "dst", keys }), {
      delete: true,
      collectKeys: false,
      onEvent: (e) => {
        if (e.type === "plan" && e.action.type === "transfer") transfers++;
        else if (e.type === "plan" && e.action.type === "delete") deletes++;
        else if (e.type === "skip") skips++;
      },
    });
    expect({ transfers, deletes, skips }).toEqual(expectedPlan(keys));
    expect(result.uploaded).toEqual([]);
    expect(transfers).toBeGreaterThan(0);
    expect(deletes).toBeGreaterThan(0);
  });
});

describe("trees", () => {
  it("are deterministic, restorable, and modification rounds touch 5% of the small files", () => {
    const spec = { ...treeSpecs("small")[0], small: { count: 200, size: () => 4096 }, big: { count: 1, size: 1 << 20 } };
    const a = path.join(tmp, "a");
    const b = path.join(tmp, "b");
    ensurePristineTree(a, spec);
    ensurePristineTree(b, spec);
    const all = fileList(spec);
    for (const f of all) {
      expect(fs.readFileSync(path.join(a, f.rel)).equals(fs.readFileSync(path.join(b, f.rel)))).toBe(true);
    }
    expect(verifyCopy(a, b, spec, all)).toBeUndefined();

    const changed = modifyTree(a, spec, 1);
    expect(changed.filter((f: { big: boolean }) => !f.big)).toHaveLength(10);
    expect(changed.some((f: { big: boolean }) => f.big)).toBe(true);
    expect(modifiedFiles(spec, 2)).not.toEqual(changed);
    expect(verifyCopy(a, b, spec, changed)).toMatch(/differs/);

    // the marker next to the tree lets the next run undo the round
    const restored = ensurePristineTree(a, spec);
    expect(restored.generated).toBe(false);
    expect(verifyCopy(a, b, spec, all)).toBeUndefined();
  });
});

describe("report", () => {
  it("prints ratios against ferry and judges the targets", () => {
    const run = (wall: number, cpu = wall / 2, rssMB = 50) => ({ wall, cpu, rssMB, flush: 0.1 });
    const results = {
      meta: { size: "full" },
      local: {
        trees: [
          { id: "a", desc: "a", runs: { ferry: { initial: run(11), noop: run(1), modified: run(2) }, rclone: { initial: run(10), noop: run(1), modified: run(2) } } },
          { id: "b", desc: "b", runs: { ferry: { initial: run(30), noop: run(3) }, rclone: { initial: run(20), noop: run(2) } } },
        ],
      },
      memory: { runs: [{ keys: 100_000, rssMB: 100 }, { keys: 1_000_000, rssMB: 160 }] },
    };
    const table = formatTree(results.local.trees[0], ["ferry", "rclone"]);
    expect(table).toContain("1.10×");
    const byId = Object.fromEntries(evaluateTargets(results).map((t: { id: string; pass: boolean }) => [t.id, t.pass]));
    expect(byId).toEqual({ "noop-100k": false, "initial-20k": true, "memory-1m": true, "memory-flat": false });
    expect(median([3, 1, 2])).toBe(2);
  });
});
