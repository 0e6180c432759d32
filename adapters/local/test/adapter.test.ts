import { readFile, stat, symlink, writeFile } from "node:fs/promises";
import { createHash } from "node:crypto";
import { hostname } from "node:os";
import { describe, expect, it } from "vitest";
import { LocalAdapter, fromUrl, local } from "../src/index.js";
import { body, listKeys, makeTree, rejection, tempDir, text } from "./helpers.js";

const context = { options: {}, env: {} };

describe("fromUrl", () => {
  it("opens file:// URLs with flag or named-remote settings", async () => {
    const root = await tempDir();
    const plain = (await fromUrl(new URL(`file://${root}/sub dir`), context)) as LocalAdapter;
    expect(plain.rootPath).toBe(`${root}/sub dir`);
    expect(plain.root).toBe(`file://${root}/sub%20dir`);
    expect(plain.capabilities).toMatchObject({ symlinks: false, permissions: false, emptyDirectories: false });
    expect(typeof plain.mkdir).toBe("undefined");
    const flags = (await fromUrl(new URL(`file://${root}`), { options: { links: "copy", perms: true, dirs: true }, env: {} })) as LocalAdapter;
    expect(flags.capabilities).toMatchObject({ symlinks: true, permissions: true, emptyDirectories: true });
    expect(typeof flags.mkdir).toBe("function");
    const remote = (await fromUrl(new URL(`file://${root}`), { options: { localLinks: true, localPerms: "true" }, env: {} })) as LocalAdapter;
    expect([remote.links, remote.perms]).toEqual(["copy", true]);
  });

  it("refuses other schemes and remote hosts", () => {
    expect(() => fromUrl(new URL("s3://bucket/x"), context)).toThrow(/not a local location/);
    expect(() => fromUrl(new URL("file://server/share"), context)).toThrow(/host/);
  });
});

describe("local adapter", () => {
  it("declares honest capabilities and a per-host identity", () => {
    const adapter = local({ root: "/tmp" });
    expect(adapter.identity).toBe(`local:${hostname()}`);
    expect(adapter.capabilities).toMatchObject({
      mtime: "native",
      mtimePrecision: 1,
      mtimeInList: true,
      hashes: ["md5", "sha1", "sha256"],
      etag: null,
      atomicWrites: true,
      rangeReads: true,
      serverSideCopy: true,
      serverSideMove: true,
      caseSensitive: true,
    });
  });

  it("probe: a missing root does not exist, a file as root is a Usage error", async () => {
    const dir = await tempDir();
    await writeFile(`${dir}/file`, "x");
    expect(await local({ root: `${dir}/missing` }).probe!()).toEqual({ exists: false });
    expect(await local({ root: dir }).probe!()).toEqual({ exists: true });
    const error = await rejection(local({ root: `${dir}/file` }).probe!());
    expect(error.code).toBe("Usage");
    expect(error.message).toMatch(/is a file, not a folder/);
  });

  it("reads ranges and hashes by streaming", async () => {
    const root = await tempDir();
    const data = Buffer.from(Array.from({ length: 3000 }, (_, i) => i % 256));
    await writeFile(`${root}/bin`, data);
    const adapter = local({ root });
    const slice = await text(await adapter.read("bin", { range: { start: 100, end: 199 } }));
    expect(Buffer.from(slice, "latin1").length).toBe(100);
    for (const algorithm of ["md5", "sha1", "sha256"] as const) {
      expect(await adapter.hash!("bin", algorithm)).toBe(createHash(algorithm).update(data).digest("hex"));
    }
    expect((await rejection(adapter.hash!("bin", "crc32c"))).code).toBe("Unsupported");
  });

  it("maps missing keys to NotFound, including a file where a parent directory would be", async () => {
    const root = await tempDir();
    await makeTree(root, ["file", "dir/x"]);
    const adapter = local({ root });
    for (const key of ["missing", "file/below", "dir"]) {
      const error = await rejection(adapter.read(key));
      expect(error.code, key).toBe("NotFound");
      expect(error).toMatchObject({ adapter: "local", key });
    }
    expect(await adapter.stat("file/below")).toBeUndefined();
    expect((await adapter.stat("dir"))?.type).toBe("dir");
  });

  it("refuses object-store attributes in checkWriteMeta, accepts contentType", () => {
    const adapter = local({ root: "/tmp" });
    expect(() => adapter.checkWriteMeta!({ contentType: "text/plain", mtime: 1, mode: 0o644 })).not.toThrow();
    for (const meta of [{ storageClass: "GLACIER" }, { metadata: { a: "b" } }, { acl: "private" }, { symlinkTarget: "x" }]) {
      expect(() => adapter.checkWriteMeta!(meta)).toThrow(/cannot keep/);
    }
    expect(() => local({ root: "/tmp", links: "copy" }).checkWriteMeta!({ symlinkTarget: "x" })).not.toThrow();
  });

  it("copies with the kernel (keeping or setting mtime and, with perms, mode) between local adapters", async () => {
    const a = await tempDir("a");
    const b = await tempDir("b");
    await writeFile(`${a}/src.txt`, "payload");
    const { utimes, chmod } = await import("node:fs/promises");
    await utimes(`${a}/src.txt`, 1_000_000, 1_000_000);
    await chmod(`${a}/src.txt`, 0o640);
    const source = local({ root: a });
    const target = local({ root: b, perms: true });
    await target.copy!(source, "src.txt", "x/kept.txt", {});
    const kept = await stat(`${b}/x/kept.txt`);
    expect(kept.mtimeMs).toBe(1_000_000_000);
    expect(kept.mode & 0o777).toBe(0o640);
    await target.copy!(source, "src.txt", "set.txt", { mtime: 2_000_000_000 });
    expect((await stat(`${b}/set.txt`)).mtimeMs).toBe(2_000_000_000);
    expect(await readFile(`${b}/set.txt`, "utf8")).toBe("payload");
    expect((await rejection(target.copy!(source, "nope", "y", {}))).code).toBe("NotFound");
  });

  it("move renames, creating the target's parents and pruning the source's", async () => {
    const root = await tempDir();
    await makeTree(root, ["from/deep/a.txt"]);
    const adapter = local({ root });
    await adapter.move!("from/deep/a.txt", "to/b.txt");
    expect(await listKeys(adapter)).toEqual(["to/b.txt"]);
    expect(await readFile(`${root}/to/b.txt`, "utf8")).toBe("from/deep/a.txt");
    const { readdir } = await import("node:fs/promises");
    expect(await readdir(root)).toEqual(["to"]);
  });

  it("setMtime sets the link itself with links: copy, the target otherwise", async () => {
    const root = await tempDir();
    await makeTree(root, ["target"]);
    await symlink("target", `${root}/link`);
    await local({ root, links: "copy" }).setMtime!("link", 1_000_000_000);
    const { lstat } = await import("node:fs/promises");
    expect((await lstat(`${root}/link`)).mtimeMs).toBe(1_000_000_000);
    expect((await stat(`${root}/target`)).mtimeMs).not.toBe(1_000_000_000);
    await local({ root }).setMtime!("link", 1_000_000_000);
    expect((await stat(`${root}/target`)).mtimeMs).toBe(1_000_000_000);
  });

  it("writes symlinks only with links: copy", async () => {
    const root = await tempDir();
    const error = await rejection(local({ root }).write("l", body(""), { symlinkTarget: "t" }));
    expect(error.code).toBe("Unsupported");
    await local({ root, links: "copy" }).write("l", body(""), { symlinkTarget: "t", mtime: 1_000_000_000 });
    const { readlink } = await import("node:fs/promises");
    expect(await readlink(`${root}/l`)).toBe("t");
  });

  it.skipIf(process.getuid?.() === 0)("maps permission errors to Unauthorized", async () => {
    const root = await tempDir();
    await makeTree(root, ["locked/file"]);
    const { chmod } = await import("node:fs/promises");
    await chmod(`${root}/locked`, 0o000);
    try {
      const error = await rejection(listKeys(local({ root })));
      expect(error.code).toBe("Unauthorized");
    } finally {
      await chmod(`${root}/locked`, 0o755);
    }
  });
});
