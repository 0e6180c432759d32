import { symlink } from "node:fs/promises";
import { compareKeys } from "@ferry/core";
import { describe, expect, it } from "vitest";
import { local } from "../src/index.js";
import { listAll, listKeys, makeTree, tempDir, warnings } from "./helpers.js";

/** files where a naive sort (JS `<`, or directories by bare name) goes wrong */
const TRICKY = [
  "a-b",
  "a.txt",
  "a/x",
  "a/y/z",
  "a/y.z",
  "a0",
  "b/c-d/e",
  "b/c.d",
  "b/c/d",
  "b/c/d-e/f",
  "é",
  "ｆ-file",
  "ｆ/😀",
  "😀.txt",
  "😀/ｆ",
  "Z",
  "deep/1/2/3/4/5/6/7/8/leaf",
  "deep/1/2/3/4/5/6/7/8-leaf",
];

function reference(keys: readonly string[]): string[] {
  return [...keys].sort(compareKeys);
}

/** every interesting startAfter: each key, each directory, and strings just around them */
function startAfterCandidates(keys: readonly string[]): string[] {
  const out = new Set<string>(["", "0", "\u{10FFFF}"]);
  for (const key of keys) {
    const parts = key.split("/");
    for (let i = 1; i <= parts.length; i++) {
      const p = parts.slice(0, i).join("/");
      for (const s of [p, `${p}/`, `${p}-`, `${p}.`, `${p}0`, p.slice(0, -1)]) out.add(s);
    }
  }
  return [...out];
}

describe("sorted walk", () => {
  it("yields keys in UTF-8 byte order, directories sorting as name/", async () => {
    const root = await tempDir();
    await makeTree(root, TRICKY);
    const adapter = local({ root });
    expect(await listKeys(adapter)).toEqual(reference(TRICKY));
  });

  it("agrees with a sorted reference for every startAfter and prefix", async () => {
    const root = await tempDir();
    await makeTree(root, TRICKY);
    const adapter = local({ root });
    const all = reference(TRICKY);
    for (const startAfter of startAfterCandidates(TRICKY)) {
      expect(await listKeys(adapter, "", { startAfter }), `startAfter ${JSON.stringify(startAfter)}`).toEqual(all.filter((k) => compareKeys(k, startAfter) > 0));
    }
    for (const prefix of startAfterCandidates(TRICKY).filter(Boolean)) {
      expect(await listKeys(adapter, prefix), `prefix ${JSON.stringify(prefix)}`).toEqual(all.filter((k) => k.startsWith(prefix)));
      for (const startAfter of ["a/x", "b/c/", "ｆ", "ｆ/", "deep/1/2/3/4/5/6/7/8"]) {
        expect(await listKeys(adapter, prefix, { startAfter }), `prefix ${JSON.stringify(prefix)} after ${startAfter}`).toEqual(
          all.filter((k) => k.startsWith(prefix) && compareKeys(k, startAfter) > 0),
        );
      }
    }
  });

  it("matches the reference on a random wide and deep tree (prefetch and stat bounds in play)", async () => {
    const root = await tempDir();
    let seed = 11;
    const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const names = ["a", "a-", "a.", "a0", "b", "é", "ｆ", "😀", "x y", "%", "+"];
    const files = new Set<string>();
    while (files.size < 600) {
      const depth = 1 + Math.floor(random() * 4);
      const parts = Array.from({ length: depth }, () => names[Math.floor(random() * names.length)]!);
      // a file's name must not also be needed as a directory
      parts[parts.length - 1] += "~f";
      files.add(parts.join("/"));
    }
    await makeTree(root, [...files]);
    const adapter = local({ root });
    const all = reference([...files]);
    expect(await listKeys(adapter)).toEqual(all);
    for (const startAfter of [all[0]!, all[100]!, all[300]!.split("/")[0]!, `${all[450]!.split("/")[0]!}/`]) {
      expect(await listKeys(adapter, "", { startAfter })).toEqual(all.filter((k) => compareKeys(k, startAfter) > 0));
    }
  });

  it("reports size, mtime and mode from stat", async () => {
    const root = await tempDir();
    await makeTree(root, ["dir/file.txt"]);
    const [entry] = await listAll(local({ root }));
    expect(entry).toMatchObject({ key: "dir/file.txt", size: "dir/file.txt".length, type: "file" });
    expect(entry!.mtime).toBeGreaterThan(Date.now() - 60_000);
    expect(entry!.mode! & 0o777).toBeGreaterThan(0);
  });

  it("lists nothing for a missing root or prefix, and refuses a root that is a file", async () => {
    const root = await tempDir();
    expect(await listKeys(local({ root: `${root}/missing` }))).toEqual([]);
    await makeTree(root, ["file"]);
    expect(await listKeys(local({ root }), "file/")).toEqual([]);
    expect(await listKeys(local({ root }), "nothing/")).toEqual([]);
    await expect(listKeys(local({ root: `${root}/file` }))).rejects.toMatchObject({ code: "Usage" });
  });

  it("yields empty directories with dirs, at the position of name/", async () => {
    const root = await tempDir();
    await makeTree(root, ["a/", "a-b", "b/c/", "b/d", "c/e/f/", "d/x"]);
    const adapter = local({ root, dirs: true });
    const entries = await listAll(adapter, "", { dirs: true });
    expect(entries.map((e) => `${e.type}:${e.key}`)).toEqual(["file:a-b", "dir:a", "dir:b/c", "file:b/d", "dir:c/e/f", "file:d/x"]);
    // without the list option, or without the adapter option, there are no directory entries
    expect(await listKeys(adapter)).toEqual(["a-b", "b/d", "d/x"]);
    expect(await listKeys(local({ root }), "", { dirs: true })).toEqual(["a-b", "b/d", "d/x"]);
    // startAfter inside or at a directory leaves that directory out
    expect((await listAll(adapter, "", { dirs: true, startAfter: "a/" })).map((e) => e.key)).toEqual(["b/c", "b/d", "c/e/f", "d/x"]);
    expect((await listAll(adapter, "", { dirs: true, startAfter: "a-b" })).map((e) => e.key)).toEqual(["a", "b/c", "b/d", "c/e/f", "d/x"]);
  });
});

describe("symlinks", () => {
  it("follows links to files and directories by default, as what they point to", async () => {
    const root = await tempDir();
    const outside = await tempDir("outside");
    await makeTree(root, ["real/file.txt", "target.txt"]);
    await makeTree(outside, ["ext.txt"]);
    await symlink("target.txt", `${root}/link-file`);
    await symlink("real", `${root}/link-dir`);
    await symlink(outside, `${root}/link-out`);
    const entries = await listAll(local({ root }));
    expect(entries.map((e) => `${e.type}:${e.key}:${e.size}`)).toEqual([
      "file:link-dir/file.txt:13",
      "file:link-file:10",
      "file:link-out/ext.txt:7",
      "file:real/file.txt:13",
      "file:target.txt:10",
    ]);
  });

  it("detects loops, warns and skips them; warns about dangling links", async () => {
    const root = await tempDir();
    await makeTree(root, ["a/file", "b/file"]);
    await symlink("..", `${root}/a/up`);
    await symlink("../b", `${root}/a/to-b`);
    await symlink("../a", `${root}/b/to-a`);
    await symlink("nowhere", `${root}/dangling`);
    const { messages, onWarning } = warnings();
    const keys = await listKeys(local({ root, onWarning }));
    expect(keys).toEqual(["a/file", "a/to-b/file", "b/file", "b/to-a/file"]);
    const warned = messages.map((m) => m.key).sort();
    expect(warned).toEqual(["a/to-b/to-a", "a/up", "b/to-a/to-b", "b/to-a/up", "dangling"].sort());
    expect(messages.find((m) => m.key === "a/up")!.message).toMatch(/loop/);
    expect(messages.find((m) => m.key === "dangling")!.message).toMatch(/does not exist/);
  });

  it("with links: copy lists symlinks as symlinks and writes them", async () => {
    const root = await tempDir();
    await makeTree(root, ["real/file.txt"]);
    await symlink("real", `${root}/link-dir`);
    await symlink("nowhere", `${root}/dangling`);
    const adapter = local({ root, links: "copy" });
    const entries = await listAll(adapter);
    expect(entries.map((e) => `${e.type}:${e.key}:${e.target ?? ""}`)).toEqual(["symlink:dangling:nowhere", "symlink:link-dir:real", "file:real/file.txt:"]);
    // a prefix through a symlinked directory lists nothing, as the full walk does not descend
    expect(await listKeys(adapter, "link-dir/")).toEqual([]);
    expect(adapter.capabilities.symlinks).toBe(true);
    expect(local({ root }).capabilities.symlinks).toBe(false);
  });
});
