import { compareKeys, type Entry } from "../index.js";
import { describe, expect, it } from "vitest";
import { sortedWalk, type WalkChild } from "./sorted-walk.js";

/** A tree as nested objects: a string is a file, an object a directory. */
type Tree = { [name: string]: Tree | string };

const TREE: Tree = {
  Z: "",
  "a-b": "",
  "a.txt": "",
  a: { x: "", "y.z": "", deeper: { "1": "", "1.0": "", "1-0": { f: "" } } },
  a0: "",
  b: {},
  "c-f": { g: "" },
  "c.e": "",
  c: { d: "" },
  é: "",
  ｆ: "",
  "😀": { "😀": "" },
};

function lister(tree: Tree, calls: string[] = []) {
  return async (dirKey: string): Promise<WalkChild[] | undefined> => {
    calls.push(dirKey);
    let node: Tree | string | undefined = tree;
    for (const seg of dirKey.split("/").filter(Boolean)) node = typeof node === "object" ? node[seg] : undefined;
    if (typeof node !== "object") return undefined;
    // deliberately unsorted
    return Object.entries(node)
      .reverse()
      .map(([name, child]) => ({ name, isDir: typeof child === "object", entry: (key: string): Entry => ({ key, size: 0, type: typeof child === "object" ? "dir" : "file" }) }));
  };
}

function allKeys(tree: Tree, base = ""): string[] {
  return Object.entries(tree).flatMap(([name, child]) => (typeof child === "object" ? allKeys(child, `${base}${name}/`) : [`${base}${name}`]));
}

async function keys(options: Parameters<typeof sortedWalk>[0]): Promise<string[]> {
  const out: string[] = [];
  for await (const e of sortedWalk(options)) out.push(e.type === "dir" ? `${e.key}/` : e.key);
  return out;
}

describe("sortedWalk", () => {
  const expected = allKeys(TREE).sort(compareKeys);

  it("yields every file in UTF-8 byte order, directories sorting as name/", async () => {
    expect(await keys({ listDirectory: lister(TREE) })).toEqual(expected);
  });

  it("honours prefixes that end inside a name", async () => {
    for (const prefix of ["a", "a/", "a/d", "c", "c-", "😀", "nothing/", "a.txt/"]) {
      expect(await keys({ listDirectory: lister(TREE), prefix }), prefix).toEqual(expected.filter((k) => k.startsWith(prefix)));
    }
  });

  it("starts strictly after startAfter and skips whole subtrees before it", async () => {
    for (const startAfter of ["", "a", "a/", "a/deeper/1-0/", "a/x", "a0", "c/", "é", "😀/😀", "\u{10FFFF}"]) {
      const calls: string[] = [];
      const got = await keys({ listDirectory: lister(TREE, calls), startAfter });
      expect(got, startAfter).toEqual(expected.filter((k) => compareKeys(k, startAfter) > 0));
      if (startAfter === "c/") expect(calls).not.toContain("a/");
    }
  });

  it("places directory entries at name/, before their contents", async () => {
    const got = await keys({ listDirectory: lister(TREE), dirs: true, prefix: "a/" });
    expect(got).toEqual(["a/deeper/", "a/deeper/1", "a/deeper/1-0/", "a/deeper/1-0/f", "a/deeper/1.0", "a/x", "a/y.z"]);
    const sorted = [...got].sort(compareKeys);
    expect(got).toEqual(sorted);
  });

  it("does not follow a directory back into its own ancestry", async () => {
    const listDirectory = async (dirKey: string): Promise<WalkChild[]> => [
      { name: "f", isDir: false, entry: (key) => ({ key, size: 0 }) },
      // "loop" always resolves to the root: without the check this walk never ends
      { name: "loop", isDir: true, identity: "/root", entry: (key) => ({ key, size: 0, type: "dir" }) },
      ...(dirKey === "" ? [{ name: "sub", isDir: true, entry: (key: string) => ({ key, size: 0, type: "dir" as const }) }] : []),
    ];
    expect(await keys({ listDirectory, rootIdentity: "/root" })).toEqual(["f", "sub/f"]);
  });

  it("keeps the number of listings in flight at the prefetch limit", async () => {
    let inFlight = 0;
    let peak = 0;
    const wide: Tree = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`d${i}`, { f: "" }]));
    const inner = lister(wide);
    const listDirectory = async (dirKey: string) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, 2));
      inFlight--;
      return inner(dirKey);
    };
    const got = await keys({ listDirectory, prefetch: 3 });
    expect(got.length).toBe(40);
    expect(peak).toBeLessThanOrEqual(3);
    expect(peak).toBeGreaterThan(1);
  });
});
