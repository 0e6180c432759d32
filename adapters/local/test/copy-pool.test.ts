import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { mkdir, readFile, readdir, readlink, stat, symlink, writeFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { local } from "../src/index.js";
import { CopyPool, type FlushFilesystem } from "../src/copy-pool.js";
import { FilesystemSync, groupCommitSafe } from "../src/filesystem-sync.js";
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

/** A group flush the test answers by hand. */
function manualFlush() {
  const answers: Array<(ok: boolean) => void> = [];
  let closed = false;
  const sync: FlushFilesystem = {
    flush: () => new Promise<boolean>((resolve) => answers.push(resolve)),
    close: () => {
      closed = true;
    },
  };
  return { sync, answers, isClosed: () => closed };
}

/** A folder holding one source file, and a pool whose group flushes the test answers by hand. */
async function stagingSetup(name: string, content: string | Buffer, poolSize = 1) {
  const a = await tempDir("a");
  await writeFile(`${a}/${name}`, content);
  const flush = manualFlush();
  return { a, flush, pool: new CopyPool(poolSize, { syncFor: () => flush.sync }) };
}

describe.skipIf(process.platform !== "linux")("group commit (one syncfs for many small files)", () => {
  it("trusts syncfs only on filesystems that flush fully (ext4, xfs, btrfs, …), not FUSE or NFS", () => {
    expect(groupCommitSafe("/x", () => ({ type: 0xef53 }))).toBe(true);
    expect(groupCommitSafe("/x", () => ({ type: 0x58465342 }))).toBe(true);
    expect(groupCommitSafe("/x", () => ({ type: 0x65735546 }))).toBe(false); // FUSE
    expect(groupCommitSafe("/x", () => ({ type: 0x6969 }))).toBe(false); // NFS
    expect(groupCommitSafe("/x", () => ({ type: 0xfe534d42 }))).toBe(false); // SMB2
    expect(
      groupCommitSafe("/x", () => {
        throw new Error("ENOENT");
      }),
    ).toBe(false);
  });

  // skipped (and named) on a temp directory whose filesystem group commits do not trust
  it.skipIf(!groupCommitSafe(tmpdir()))("flushes the real filesystem (the temp directory's)", async () => {
    const sync = new FilesystemSync(await tempDir("fs"));
    expect(await sync.flush()).toBe(true);
    expect(await sync.flush()).toBe(true);
    sync.close();
    expect(await sync.flush()).toBe(false);
  });

  it("a staged copy gives its slot back at once but appears under its name only after the flush", async () => {
    const { a, flush, pool } = await stagingSetup("f.txt", "staged bytes", 2);
    let waiting = false;
    const copied = pool.copy({ source: `${a}/f.txt`, noFollow: false, fsync: true, temp: `${a}/.t`, final: `${a}/out.txt`, mtime: 1_600_000_000_000 }, () => {
      waiting = true;
    });
    await expect.poll(() => waiting).toBe(true);
    await expect.poll(() => flush.answers.length).toBe(1);
    // written, not yet renamed: nothing under the final name until the flush is done
    expect(existsSync(`${a}/out.txt`)).toBe(false);
    expect(await readFile(`${a}/.t`, "utf8")).toBe("staged bytes");
    flush.answers[0]!(true);
    expect(await copied).toEqual({ kind: "copied", size: 12, mtime: 1_600_000_000_000 });
    expect(await readFile(`${a}/out.txt`, "utf8")).toBe("staged bytes");
    expect((await stat(`${a}/out.txt`)).mtimeMs).toBe(1_600_000_000_000);
    expect(existsSync(`${a}/.t`)).toBe(false);
    await pool.close();
  });

  it("many copies share few flushes", async () => {
    const a = await tempDir("a");
    const flushes: number[] = [];
    const real = new FilesystemSync(a);
    const pool = new CopyPool(3, {
      syncFor: () => ({ flush: () => (flushes.push(1), real.flush()), close: () => real.close() }),
    });
    const copies = Array.from({ length: 200 }, async (_, i) => {
      await writeFile(`${a}/s${i}`, `file ${i}`);
      return pool.copy({ source: `${a}/s${i}`, noFollow: false, fsync: true, temp: `${a}/.t${i}`, final: `${a}/d${i}` }, () => {});
    });
    await Promise.all(copies);
    for (let i = 0; i < 200; i += 37) expect(await readFile(`${a}/d${i}`, "utf8")).toBe(`file ${i}`);
    expect(flushes.length).toBeGreaterThan(0);
    expect(flushes.length).toBeLessThan(50);
    expect((await readdir(a)).filter((n) => n.startsWith(".t"))).toEqual([]);
    await pool.close();
  });

  it("a failed flush falls back to one fsync per file, and later copies are not staged", async () => {
    const { a, flush, pool } = await stagingSetup("f.txt", "x");
    const job = { source: `${a}/f.txt`, noFollow: false, fsync: true };
    const first = pool.copy({ ...job, temp: `${a}/.t1`, final: `${a}/one` }, () => {});
    await expect.poll(() => flush.answers.length).toBe(1);
    flush.answers[0]!(false);
    await first;
    expect(await readFile(`${a}/one`, "utf8")).toBe("x");
    let staged = false;
    await pool.copy({ ...job, temp: `${a}/.t2`, final: `${a}/two` }, () => (staged = true));
    expect(staged).toBe(false);
    expect(await readFile(`${a}/two`, "utf8")).toBe("x");
    await pool.close();
  });

  it("a file over 1 MiB is fsync'ed on its own, not staged", async () => {
    const { a, flush, pool } = await stagingSetup("big", Buffer.alloc(2 * 1024 * 1024, 1));
    let staged = false;
    await pool.copy({ source: `${a}/big`, noFollow: false, fsync: true, temp: `${a}/.t`, final: `${a}/copy` }, () => (staged = true));
    expect(staged).toBe(false);
    expect(flush.answers.length).toBe(0);
    expect((await stat(`${a}/copy`)).size).toBe(2 * 1024 * 1024);
    await pool.close();
  });

  it("closing the pool fails a staged copy and removes its temp file", async () => {
    const { a, flush, pool } = await stagingSetup("f.txt", "x");
    const copied = pool.copy({ source: `${a}/f.txt`, noFollow: false, fsync: true, temp: `${a}/.t`, final: `${a}/out` }, () => {}).then(
      () => "copied",
      (e: Error) => e.message,
    );
    await expect.poll(() => flush.answers.length).toBe(1);
    await pool.close();
    expect(await copied).toMatch(/closed/);
    expect(flush.isClosed()).toBe(true);
    expect(existsSync(`${a}/.t`)).toBe(false);
    expect(existsSync(`${a}/out`)).toBe(false);
  });
});
