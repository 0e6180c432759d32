import { describe, expect, it } from "vitest";
import type { Adapter, WriteOptions } from "@ferry/core";
import { sync } from "../src/index.js";
import { freshMemory, keys, put } from "./helpers.js";

/**
 * A destination whose writes, once their bytes are in, only wait for a shared commit (as the
 * local adapter's group commit does): they say so through onCommitWait and then wait for the
 * test to open the gate.
 */
function committingLater(inner: Adapter, signalWait: boolean) {
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const started: string[] = [];
  const adapter: Adapter = Object.create(inner) as Adapter;
  // bytes go through write(), not a server-side copy
  Object.defineProperty(adapter, "copy", { value: undefined });
  adapter.write = async (key, body, meta, options: WriteOptions = {}) => {
    started.push(key);
    const result = await inner.write(key, body, meta, { ...(options.signal ? { signal: options.signal } : {}) });
    if (signalWait) options.onCommitWait?.();
    await gate;
    return result;
  };
  return { adapter, started, open };
}

describe("transfers waiting for a shared commit", () => {
  it("give their slot back: with transfers: 1, every write starts before the first one finishes", async () => {
    const src = freshMemory("src");
    const dst = freshMemory("dst");
    for (const k of ["a", "b", "c", "d"]) await put(src.adapter, `${k}.txt`, k);
    const target = committingLater(dst.adapter, true);
    const run = sync(src.adapter, target.adapter, { transfers: 1 });
    await expect.poll(() => target.started.length).toBe(4);
    target.open();
    const result = await run;
    expect(result.uploaded?.sort()).toEqual(["a.txt", "b.txt", "c.txt", "d.txt"]);
    expect(await keys(dst.adapter)).toEqual(["a.txt", "b.txt", "c.txt", "d.txt"]);
  });

  it("keep it otherwise: with transfers: 1 the second write waits for the first", async () => {
    const src = freshMemory("src");
    const dst = freshMemory("dst");
    for (const k of ["a", "b"]) await put(src.adapter, `${k}.txt`, k);
    const target = committingLater(dst.adapter, false);
    const run = sync(src.adapter, target.adapter, { transfers: 1 });
    await expect.poll(() => target.started.length).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(target.started).toEqual(["a.txt"]);
    target.open();
    expect((await run).uploaded?.sort()).toEqual(["a.txt", "b.txt"]);
  });
});
