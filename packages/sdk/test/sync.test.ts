import { describe, expect, it } from "vitest";
import type { FerryEvent } from "@ferry/core";
import { check, copy, move, plan, execute, sync } from "../src/index.js";
import { freshMemory, keys, put, read } from "./helpers.js";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

async function seeded() {
  const src = freshMemory("src");
  const dst = freshMemory("dst");
  await put(src.adapter, "a.txt", "alpha");
  await put(src.adapter, "dir/b.txt", "bravo");
  await put(src.adapter, "same.txt", "same");
  await put(dst.adapter, "same.txt", "same");
  await put(dst.adapter, "old.txt", "old");
  return { src, dst };
}

describe("sync (SDK)", () => {
  it("uploads new keys, skips current ones, never deletes without delete", async () => {
    const { src, dst } = await seeded();
    const r = await sync(src.url, dst.url);
    expect(r.uploaded.sort()).toEqual(["a.txt", "dir/b.txt"]);
    expect(r.skipped).toEqual(["same.txt"]);
    expect(r.deleted).toBeUndefined();
    expect(r.errors).toBeUndefined();
    expect(await keys(dst.adapter)).toEqual(["a.txt", "dir/b.txt", "old.txt", "same.txt"]);
    expect(await read(dst.adapter, "dir/b.txt")).toBe("bravo");
    expect(r.stats.outcome).toBe("success");
  });

  it("mirrors with delete and a re-run transfers nothing", async () => {
    const { src, dst } = await seeded();
    const first = await sync(src.url, dst.url, { delete: true });
    expect(first.deleted).toEqual(["old.txt"]);
    const again = await sync(src.url, dst.url, { delete: true });
    expect(again.uploaded).toEqual([]);
    expect(again.deleted).toEqual([]);
    expect(again.skipped.length).toBe(3);
  });

  it("keeps the source mtime on the copy", async () => {
    const { src, dst } = await seeded();
    await sync(src.url, dst.url);
    expect((await dst.adapter.stat("a.txt"))?.mtime).toBe(1_700_000_000_000);
  });

  it("dry-run returns the plan and changes nothing", async () => {
    const { src, dst } = await seeded();
    const events: FerryEvent[] = [];
    const r = await sync(src.url, dst.url, { delete: true, dryRun: true, onEvent: (e) => events.push(e) });
    expect(r.uploaded.sort()).toEqual(["a.txt", "dir/b.txt"]);
    expect(r.deleted).toEqual(["old.txt"]);
    expect(await keys(dst.adapter)).toEqual(["old.txt", "same.txt"]);
    expect(events.some((e) => e.type === "summary" && e.summary.dryRun)).toBe(true);
  });

  it("the max-delete guard refuses before changing anything", async () => {
    const src = freshMemory("src");
    const dst = freshMemory("dst");
    await put(src.adapter, "keep.txt", "k");
    for (const k of ["x1", "x2", "x3", "keep.txt"]) await put(dst.adapter, k, "x");
    const r = await sync(src.url, dst.url, { delete: true, maxDelete: "50%" });
    expect(r.stats.outcome).toBe("refused");
    expect(r.stats.reason).toMatch(/would delete 3 keys/);
    expect(await keys(dst.adapter)).toEqual(["keep.txt", "x1", "x2", "x3"]);
    const forced = await sync(src.url, dst.url, { delete: true, force: true });
    expect(forced.deleted?.sort()).toEqual(["x1", "x2", "x3"]);
  });

  it("refuses to mirror an empty source unless forced", async () => {
    const src = freshMemory("src");
    const dst = freshMemory("dst");
    await put(dst.adapter, "x", "x");
    const r = await sync(src.url, dst.url, { delete: true, maxDelete: "100%" });
    expect(r.stats.outcome).toBe("refused");
    expect(r.stats.reason).toMatch(/source is empty/);
    expect(await keys(dst.adapter)).toEqual(["x"]);
  });

  it("copy refuses delete; twoWay points to bisync", async () => {
    const { src, dst } = await seeded();
    await expect(copy(src.url, dst.url, { delete: true })).rejects.toMatchObject({ code: "Usage" });
    await expect(sync(src.url, dst.url, { mode: "tw" })).rejects.toThrow(/bisync/);
    await expect(sync(src.url, dst.url, { mode: "sideways" as never })).rejects.toThrow(/unknown mode/);
  });

  it("destinationToSource flows the other way", async () => {
    const { src, dst } = await seeded();
    const r = await sync(src.url, dst.url, { mode: "dts", maxDelete: "100%" });
    expect(r.uploaded).toEqual(["old.txt"]);
    expect(r.deleted?.sort()).toEqual(["a.txt", "dir/b.txt"]);
    expect(await keys(src.adapter)).toEqual(["old.txt", "same.txt"]);
  });

  it("move deletes each source key after its copy", async () => {
    const { src, dst } = await seeded();
    const r = await move(src.url, dst.url);
    expect(r.uploaded.sort()).toEqual(["a.txt", "dir/b.txt"]);
    expect(await keys(src.adapter)).toEqual(["same.txt"]);
  });

  it("filters apply to both sides; excluded keys are never deleted", async () => {
    const { src, dst } = await seeded();
    await put(dst.adapter, "keep.log", "log");
    const r = await sync(src.url, dst.url, { delete: true, exclude: ["*.log"], force: true });
    expect(r.deleted).toEqual(["old.txt"]);
    expect(await keys(dst.adapter)).toContain("keep.log");
  });

  it("reports per-key progress", async () => {
    const { src, dst } = await seeded();
    const seen: string[] = [];
    await sync(src.url, dst.url, { onProgress: (p) => seen.push(`${p.status}:${p.key}`) });
    expect(seen.sort()).toEqual(["skipped:same.txt", "uploaded:a.txt", "uploaded:dir/b.txt"]);
  });

  it("accepts adapter objects and URLs interchangeably", async () => {
    const { src, dst } = await seeded();
    const r = await sync(src.adapter, dst.url);
    expect(r.uploaded.length).toBe(2);
  });
});

describe("check / plan / apply", () => {
  it("check lists differences without changing anything", async () => {
    const { src, dst } = await seeded();
    const r = await check(src.url, dst.url);
    expect(r.identical).toBe(false);
    expect(r.differences).toEqual([
      { key: "a.txt", kind: "missing-on-dst" },
      { key: "dir/b.txt", kind: "missing-on-dst" },
      { key: "old.txt", kind: "missing-on-src" },
    ]);
    await sync(src.url, dst.url, { delete: true, force: true });
    expect((await check(src.url, dst.url)).identical).toBe(true);
    expect((await check(src.url, dst.url, { checkAll: true })).identical).toBe(true);
  });

  it("a saved plan applies exactly, skipping what changed since", async () => {
    const { src, dst } = await seeded();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ferry-plan-"));
    const out = path.join(dir, "plan.json");
    const p = await plan(src.url, dst.url, { delete: true, out, force: true });
    expect(p.planFile).toBe(out);
    const doc = JSON.parse(fs.readFileSync(out, "utf8"));
    expect(doc.actions.length).toBe(3);
    // a.txt changes after planning: apply must not guess
    await put(src.adapter, "a.txt", "changed after the plan");
    const events: FerryEvent[] = [];
    const r = await execute(out, { onEvent: (e) => events.push(e) });
    expect(r.uploaded).toEqual(["dir/b.txt"]);
    expect(r.deleted).toEqual(["old.txt"]);
    expect(events.some((e) => e.type === "skip" && e.action.reason === "changed-since-plan" && e.action.key === "a.txt")).toBe(true);
    expect(await keys(dst.adapter)).toEqual(["dir/b.txt", "same.txt"]);
  });
});
