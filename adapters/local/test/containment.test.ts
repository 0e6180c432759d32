import { lstat, mkdir, readdir, symlink, writeFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { local } from "../src/index.js";
import { body, listKeys, makeTree, rejection, tempDir, text } from "./helpers.js";

describe("root containment", () => {
  it("refuses keys that climb out of the root", async () => {
    const parent = await tempDir();
    const root = `${parent}/root`;
    await mkdir(root);
    const adapter = local({ root });
    for (const key of ["../x", "a/../../x", "/etc/passwd", "a//b", "./a"]) {
      expect((await rejection(adapter.write(key, body("x"), {}))).code, key).toBe("InvalidKey");
      expect((await rejection(adapter.read(key))).code, key).toBe("InvalidKey");
      expect((await rejection(adapter.stat(key))).code, key).toBe("InvalidKey");
      const [outcome] = await adapter.delete([key]);
      expect(outcome!.error?.code, key).toBe("InvalidKey");
    }
    expect(await readdir(parent)).toEqual(["root"]);
  });

  it("never writes, deletes, renames or touches through a symlinked directory that leaves the root", async () => {
    const root = await tempDir("root");
    const outside = await tempDir("outside");
    await makeTree(outside, ["victim.txt"]);
    await symlink(outside, `${root}/out`);
    const adapter = local({ root, dirs: true });
    // reading through it is following the link, as the listing does
    expect(await text(await adapter.read("out/victim.txt"))).toBe("victim.txt");
    const write = await rejection(adapter.write("out/new.txt", body("x"), {}));
    expect(write.code).toBe("InvalidKey");
    expect(write.message).toMatch(/outside the root/);
    expect((await rejection(adapter.write("out/deeper/new.txt", body("x"), {}))).code).toBe("InvalidKey");
    expect((await rejection(adapter.mkdir!("out/made"))).code).toBe("InvalidKey");
    const [deleted] = await adapter.delete(["out/victim.txt"]);
    expect(deleted!.error?.code).toBe("InvalidKey");
    expect((await rejection(adapter.setMtime!("out/victim.txt", 0))).code).toBe("InvalidKey");
    expect((await rejection(adapter.move!("out/victim.txt", "stolen.txt"))).code).toBe("InvalidKey");
    await adapter.write("in.txt", body("in"), {});
    expect((await rejection(adapter.move!("in.txt", "out/in.txt"))).code).toBe("InvalidKey");
    expect((await rejection(adapter.copy!(adapter, "in.txt", "out/copy.txt", {}))).code).toBe("InvalidKey");
    expect((await readdir(outside)).sort()).toEqual(["victim.txt"]);
  });

  it("allows writes through a symlinked directory that stays inside the root", async () => {
    const root = await tempDir();
    await makeTree(root, ["real/"]);
    await symlink("real", `${root}/alias`);
    const adapter = local({ root });
    await adapter.write("alias/x.txt", body("x"), {});
    expect(await readdir(`${root}/real`)).toEqual(["x.txt"]);
  });

  it("replaces a symlink at the final name instead of writing through it", async () => {
    const root = await tempDir("root");
    const outside = await tempDir("outside");
    await writeFile(`${outside}/secret`, "secret");
    await symlink(`${outside}/secret`, `${root}/file`);
    const adapter = local({ root });
    await adapter.write("file", body("replaced"), {});
    expect((await lstat(`${root}/file`)).isSymbolicLink()).toBe(false);
    expect(await text(await adapter.read("file"))).toBe("replaced");
    const { readFile } = await import("node:fs/promises");
    expect(await readFile(`${outside}/secret`, "utf8")).toBe("secret");
  });
});

describe("delete", () => {
  it("removes directories left empty, up to but never including the root", async () => {
    const root = await tempDir();
    await makeTree(root, ["a/b/c/file", "a/other", "x/only"]);
    const adapter = local({ root });
    const outcomes = await adapter.delete(["a/b/c/file", "x/only", "missing", "a/b/nope/deeper"]);
    expect(outcomes.map((o) => o.error)).toEqual([undefined, undefined, undefined, undefined]);
    expect((await readdir(root)).sort()).toEqual(["a"]);
    expect(await readdir(`${root}/a`)).toEqual(["other"]);
    await adapter.delete(["a/other"]);
    expect(await readdir(root)).toEqual([]);
    expect(await listKeys(adapter)).toEqual([]);
  });

  it("does not prune through a symlink, even one pointing inside the root", async () => {
    const root = await tempDir();
    await makeTree(root, ["real/sub/file"]);
    await symlink("real", `${root}/alias`);
    const adapter = local({ root });
    await adapter.delete(["alias/sub/file"]);
    // alias/sub is not a plain directory path (alias is a link), so it stays
    expect(await readdir(`${root}/real`)).toEqual(["sub"]);
    expect((await lstat(`${root}/alias`)).isSymbolicLink()).toBe(true);
  });

  it("with dirs keeps emptied directories and deletes empty-directory keys only while empty", async () => {
    const root = await tempDir();
    await makeTree(root, ["a/file", "empty/", "full/x"]);
    const adapter = local({ root, dirs: true });
    await adapter.delete(["a/file"]);
    expect(await readdir(`${root}/a`)).toEqual([]);
    const outcomes = await adapter.delete(["empty", "full"]);
    expect(outcomes.map((o) => o.error)).toEqual([undefined, undefined]);
    expect((await readdir(root)).sort()).toEqual(["a", "full"]);
  });
});
