import { describe, expect, it } from "vitest";
import type { Adapter, Entry, ListOptions } from "@ferry/core";
import { move, sync } from "../src/index.js";
import { freshMemory, keys, put, read } from "./helpers.js";

/**
 * A source whose listing stops after `holdAfter` entries until the test opens the gate (or
 * fails it): what ferry writes meanwhile was started while the plan was still being drawn.
 */
function heldListing(inner: Adapter, holdAfter: number) {
  let open!: () => void;
  let fail!: (e: Error) => void;
  const gate = new Promise<void>((resolve, reject) => {
    open = resolve;
    fail = reject;
  });
  gate.catch(() => undefined);
  const adapter: Adapter = Object.create(inner) as Adapter;
  adapter.list = (prefix: string, options?: ListOptions): AsyncIterable<Entry> => ({
    async *[Symbol.asyncIterator]() {
      let n = 0;
      for await (const entry of inner.list(prefix, options)) {
        if (n++ === holdAfter) await gate;
        yield entry;
      }
    },
  });
  return { adapter, open, fail };
}

/** A destination that records the keys whose writes completed. */
function recorded(inner: Adapter) {
  const written: string[] = [];
  const adapter: Adapter = Object.create(inner) as Adapter;
  Object.defineProperty(adapter, "copy", { value: undefined });
  adapter.write = async (key, body, meta, options) => {
    const result = await inner.write(key, body, meta, options);
    written.push(key);
    return result;
  };
  return { adapter, written };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 60));

/** Fresh source and destination locations holding `NAME.txt` (body NAME) for each name given. */
async function sides(srcNames: string[], dstNames: string[] = []) {
  const src = freshMemory("src");
  const dst = freshMemory("dst");
  for (const k of srcNames) await put(src.adapter, `${k}.txt`, k);
  for (const k of dstNames) await put(dst.adapter, `${k}.txt`, k);
  return { src, dst };
}

describe("transfers that start before the plan is complete", () => {
  it("start as soon as the destination turns out empty, while the source is still listed", async () => {
    const { src, dst } = await sides(["a", "b", "c", "x", "y", "z"]);
    const held = heldListing(src.adapter, 3);
    const target = recorded(dst.adapter);
    const run = sync(held.adapter, target.adapter, { delete: true });
    await expect.poll(() => target.written.length).toBe(3);
    expect(target.written.sort()).toEqual(["a.txt", "b.txt", "c.txt"]);
    held.open();
    const result = await run;
    expect(result.stats.outcome).toBe("success");
    expect(result.uploaded.sort()).toEqual(["a.txt", "b.txt", "c.txt", "x.txt", "y.txt", "z.txt"]);
    expect(result.stats.toTransfer).toBe(6);
    expect(await read(dst.adapter, "z.txt")).toBe("z");
  });

  it("start once the destination is fully listed, after every delete and overwrite is planned", async () => {
    const src = freshMemory("src");
    const dst = freshMemory("dst");
    for (const k of ["b", "m", "x", "y"]) await put(src.adapter, `${k}.txt`, `new ${k}`, 1_700_000_100_000);
    await put(dst.adapter, "a.txt", "gone");
    await put(dst.adapter, "b.txt", "old b");
    await put(dst.adapter, "c.txt", "keep?");
    await put(dst.adapter, "d.txt", "keep?");
    // the held source has listed b and m: the destination (a–d) is behind the merge
    const held = heldListing(src.adapter, 2);
    const target = recorded(dst.adapter);
    const run = sync(held.adapter, target.adapter, { delete: true, maxDelete: 3 });
    await expect.poll(() => target.written.length).toBe(2);
    expect(await keys(dst.adapter)).toContain("a.txt"); // deletes still wait for the end
    held.open();
    const result = await run;
    expect(result.stats.outcome).toBe("success");
    expect(result.deleted?.sort()).toEqual(["a.txt", "c.txt", "d.txt"]);
    expect(await keys(dst.adapter)).toEqual(["b.txt", "m.txt", "x.txt", "y.txt"]);
    expect(await read(dst.adapter, "b.txt")).toBe("new b");
  });

  it("do not start while the destination may still hold keys the plan would delete or overwrite", async () => {
    const { src, dst } = await sides(["a", "b", "z"], ["m"]);
    const held = heldListing(src.adapter, 2);
    const target = recorded(dst.adapter);
    const run = sync(held.adapter, target.adapter, { delete: true, force: true });
    await settle();
    expect(target.written).toEqual([]);
    held.open();
    expect((await run).uploaded.sort()).toEqual(["a.txt", "b.txt", "z.txt"]);
  });

  it("never when the guards refuse at that point: nothing is written", async () => {
    const { src, dst } = await sides(["x", "y", "z"], ["a", "b", "c"]);
    const held = heldListing(src.adapter, 1);
    const target = recorded(dst.adapter);
    const run = sync(held.adapter, target.adapter, { delete: true, maxDelete: "50%" });
    await settle();
    expect(target.written).toEqual([]);
    held.open();
    const result = await run;
    expect(result.stats.outcome).toBe("refused");
    expect(result.stats.reason).toMatch(/would delete 3 keys/);
    expect(await keys(dst.adapter)).toEqual(["a.txt", "b.txt", "c.txt"]);
  });

  it("never before a confirmation the plan needs: a declined plan writes nothing", async () => {
    const { src, dst } = await sides(["x", "y"], ["a"]);
    const held = heldListing(src.adapter, 1);
    const target = recorded(dst.adapter);
    let asked = 0;
    const run = sync(held.adapter, target.adapter, {
      delete: true,
      force: true,
      confirm: async (totals) => {
        asked++;
        expect(totals).toMatchObject({ toTransfer: 2, toDelete: 1 });
        return false;
      },
    });
    await settle();
    expect(target.written).toEqual([]);
    held.open();
    expect((await run).stats.outcome).toBe("refused");
    expect(asked).toBe(1);
    expect(await keys(dst.adapter)).toEqual(["a.txt"]);
  });

  it("never for move, whose source deletes would run into its own listing", async () => {
    const { src, dst } = await sides(["a", "b", "c"]);
    const held = heldListing(src.adapter, 2);
    const target = recorded(dst.adapter);
    const run = move(held.adapter, target.adapter);
    await settle();
    expect(target.written).toEqual([]);
    held.open();
    expect((await run).uploaded.sort()).toEqual(["a.txt", "b.txt", "c.txt"]);
    expect(await keys(src.adapter)).toEqual([]);
  });

  it("say they are transferring only once one starts", async () => {
    const { src, dst } = await sides(["a", "z"], ["a"]);
    const phases: string[] = [];
    const result = await sync(src.adapter, dst.adapter, { existing: true, onEvent: (e) => void (e.type === "phase" && phases.push(e.phase)) });
    expect(result.stats.outcome).toBe("success");
    expect(phases).toEqual(["listing", "planning", "done"]);
  });

  it("a listing that fails later fails the run after the running transfers end; nothing is deleted", async () => {
    const { src, dst } = await sides(["a", "b", "c"]);
    const held = heldListing(src.adapter, 2);
    const target = recorded(dst.adapter);
    const run = sync(held.adapter, target.adapter, { delete: true });
    await expect.poll(() => target.written.length).toBe(2);
    held.fail(new Error("listing broke"));
    await expect(run).rejects.toThrow(/listing broke/);
    expect(await keys(dst.adapter)).toEqual(["a.txt", "b.txt"]);
    expect(await read(dst.adapter, "b.txt")).toBe("b");
  });
});
