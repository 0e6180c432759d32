import { mkdir, readFile, readdir, readlink, stat, symlink, writeFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { local } from "../src/index.js";
import { CopyPool } from "../src/copy-pool.js";
import { rejection, tempDir } from "./helpers.js";

describe("local→local copies on worker threads", () => {
  it("copies many files at once into new directories, each byte-identical with its mtime, leaving no temp file", async () => {
    const a = await tempDir("a");
    const b = await tempDir("b");
    const keys = Array.from({ length: 300 }, (_, i) => `d${i % 7}/s${i % 3}/f${i}.txt`);
    for (const [i, key] of keys.entries()) {
      await mkdir(`${a}/${key.slice(0, key.lastIndexOf("/"))}`, { recursive: true });
      await writeFile(`${a}/${key}`, `content ${i} `.repeat(i));
    }
    const source = local({ root: a });
    const target = local({ root: b });
    const results = await Promise.all(keys.map((key, i) => target.copy!(source, key, key, { mtime: 1_600_000_000_000 + i * 1000 })));
    expect(results.map((r) => r.size)).toEqual(keys.map((_, i) => Buffer.byteLength(`content ${i} `.repeat(i))));
    for (const [i, key] of keys.entries()) {
      expect(await readFile(`${b}/${key}`, "utf8")).toBe(`content ${i} `.repeat(i));
      expect((await stat(`${b}/${key}`)).mtimeMs).toBe(1_600_000_000_000 + i * 1000);
    }
    const names = (await readdir(b, { recursive: true })).filter((n) => n.includes("ferry-tmp"));
    expect(names).toEqual([]);
  });

  it("reports a source that vanished as NotFound naming the source key, and a directory source as NotFound", async () => {
    const a = await tempDir("a");
    const b = await tempDir("b");
    await mkdir(`${a}/dir`);
    const source = local({ root: a });
    const target = local({ root: b });
    const missing = await rejection(target.copy!(source, "gone.txt", "x.txt", {}));
    expect(missing.code).toBe("NotFound");
    expect(missing.message).toContain("gone.txt");
    const directory = await rejection(target.copy!(source, "dir", "y.txt", {}));
    expect(directory.code).toBe("NotFound");
    expect(await readdir(b)).toEqual([]);
  });

  it("copies a symlink as a link with links: copy, and what it points to by default", async () => {
    const a = await tempDir("a");
    const b = await tempDir("b");
    const c = await tempDir("c");
    await writeFile(`${a}/real.txt`, "pointed at");
    await symlink("real.txt", `${a}/link.txt`);
    await local({ root: b, links: "copy" }).copy!(local({ root: a, links: "copy" }), "link.txt", "link.txt", {});
    expect(await readlink(`${b}/link.txt`)).toBe("real.txt");
    await local({ root: c }).copy!(local({ root: a }), "link.txt", "link.txt", {});
    expect(await readFile(`${c}/link.txt`, "utf8")).toBe("pointed at");
    expect((await stat(`${c}/link.txt`)).isFile()).toBe(true);
  });

  it("a target that cannot be written is the target's error, and the old content stays", async () => {
    const a = await tempDir("a");
    const b = await tempDir("b");
    await writeFile(`${a}/f.txt`, "new");
    await mkdir(`${b}/f.txt`);
    await writeFile(`${b}/f.txt/inside`, "a directory stands where the file would go");
    const e = await rejection(local({ root: b }).copy!(local({ root: a }), "f.txt", "f.txt", {}));
    expect(e.code).toBe("Conflict");
    expect(await readFile(`${b}/f.txt/inside`, "utf8")).toMatch(/directory stands/);
    expect((await readdir(b)).filter((n) => n.includes("ferry-tmp"))).toEqual([]);
  });

  it("a closed pool refuses new copies and fails the queued ones", async () => {
    const a = await tempDir("a");
    await writeFile(`${a}/f.txt`, "x");
    const pool = new CopyPool(1);
    const job = { source: `${a}/f.txt`, noFollow: false, fsync: false };
    const copies = Array.from({ length: 5 }, (_, i) => pool.copy({ ...job, temp: `${a}/.t${i}`, final: `${a}/out${i}` }).then(() => "copied", (e: Error) => e.message));
    await pool.close();
    const outcomes = await Promise.all(copies);
    expect(outcomes.some((o) => o !== "copied")).toBe(true);
    await expect(pool.copy({ ...job, temp: `${a}/.t9`, final: `${a}/out9` })).rejects.toThrow(/closed/);
  });
});
