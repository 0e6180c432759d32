import { mkdir, symlink, writeFile } from "node:fs/promises";
import type { Entry } from "@ferry/core";
import { describe, expect, it } from "vitest";
import { walkSorted } from "../src/walk.js";
import { walkLocal, walkWorkerAvailable } from "../src/walk-offload.js";
import { makeTree, tempDir } from "./helpers.js";

const KEYS = ["a-b", "a.txt", "a/x", "a/y/z", "a/y.z", "a0", "b/c-d/e", "b/c.d", "b/c/d", "é", "ｆ/😀", "😀.txt", "deep/1/2/3/leaf", "deep/1/2/3-leaf", "z/last"];

async function collect(iterable: AsyncIterable<Entry>): Promise<Entry[]> {
  const out: Entry[] = [];
  for await (const e of iterable) out.push(e);
  return out;
}

describe("big walks on a worker thread", () => {
  // the test command builds first; without dist/ the hand-over could not happen and these
  // tests would only compare the in-process walk with itself
  it("finds the compiled worker", () => {
    expect(walkWorkerAvailable()).toBe(true);
  });

  it.each([1, 2, 5, 9])("hands over after %i entries and lists exactly what the in-process walk lists (entries, order, symlinks, empty dirs)", async (handOverAfter) => {
    const root = await tempDir();
    await makeTree(root, [...KEYS, "empty/", "b/empty-inner/"]);
    await writeFile(`${root}/target.txt`, "t");
    await symlink("target.txt", `${root}/link`);
    for (const links of ["follow", "copy"] as const) {
      const options = { root, links, dirs: true, warn: () => {} };
      const expected = await collect(walkSorted("", options));
      const listed = await collect(walkLocal("", { ...options, handOverAfter }));
      expect(listed).toEqual(expected);
    }
  });

  it("honours startAfter and a prefix across the hand-over", async () => {
    const root = await tempDir();
    await makeTree(root, KEYS);
    const options = { root, links: "follow" as const, dirs: false, warn: () => {} };
    for (const [prefix, startAfter] of [["", "a/x"], ["a", undefined], ["b/", "b/c-d/e"], ["deep/1/2/3", undefined]] as const) {
      const expected = await collect(walkSorted(prefix, { ...options, ...(startAfter ? { startAfter } : {}) }));
      const listed = await collect(walkLocal(prefix, { ...options, ...(startAfter ? { startAfter } : {}), handOverAfter: 1 }));
      expect(listed.map((e) => e.key)).toEqual(expected.map((e) => e.key));
    }
  });

  it("passes the worker's warnings on", async () => {
    const root = await tempDir();
    await makeTree(root, ["a", "b", "c"]);
    await symlink("nowhere", `${root}/d-dangling`);
    const warned: string[] = [];
    const listed = await collect(walkLocal("", { root, links: "follow", dirs: false, warn: (m) => warned.push(m), handOverAfter: 1 }));
    expect(listed.map((e) => e.key)).toEqual(["a", "b", "c"]);
    expect(warned.join("\n")).toMatch(/d-dangling.*does not exist/);

  });

  // root reads any directory, so there is no error to pass on
  it.skipIf(process.getuid?.() === 0)("passes the worker's errors on with their code", async () => {
    const root = await tempDir();
    await makeTree(root, ["a", "b"]);
    await mkdir(`${root}/locked/inner`, { recursive: true });
    await writeFile(`${root}/locked/inner/f`, "x");
    const { chmod } = await import("node:fs/promises");
    await chmod(`${root}/locked`, 0o000);
    try {
      await expect(collect(walkLocal("", { root, links: "follow", dirs: false, warn: () => {}, handOverAfter: 1 }))).rejects.toMatchObject({ code: "Unauthorized" });
    } finally {
      await chmod(`${root}/locked`, 0o755);
    }
  });

  it("stops the worker when the consumer stops early or the signal aborts", async () => {
    const root = await tempDir();
    await makeTree(root, Array.from({ length: 3000 }, (_, i) => `d${i % 10}/f${String(i).padStart(5, "0")}`));
    let n = 0;
    for await (const _ of walkLocal("", { root, links: "follow", dirs: false, warn: () => {}, handOverAfter: 5 })) if (++n === 2000) break;
    expect(n).toBe(2000);
    const controller = new AbortController();
    const walk = walkLocal("", { root, links: "follow", dirs: false, warn: () => {}, handOverAfter: 5, signal: controller.signal });
    const failure = (async () => {
      let seen = 0;
      for await (const _ of walk) if (++seen === 100) controller.abort();
    })();
    await expect(failure).rejects.toMatchObject({ code: "Aborted" });
  });
});
