import { readdir, stat, utimes, writeFile } from "node:fs/promises";
import { Readable } from "node:stream";
import { describe, expect, it, vi } from "vitest";
import { LocalAdapter, local } from "../src/index.js";
import { STALE_TEMP_MS, sweepStaleTempFiles, tempNameFor } from "../src/temp-files.js";
import { body, listKeys, makeTree, rejection, tempDir, text } from "./helpers.js";

function failingBody(): Readable {
  let sent = 0;
  return new Readable({
    read() {
      setTimeout(() => {
        if (sent >= 3) this.destroy(new Error("source went away"));
        else {
          sent++;
          this.push(Buffer.alloc(100_000, 1));
        }
      }, 1);
    },
  });
}

const TEMP = /^\..*\.ferry-tmp-[0-9a-f]{12}$/;

describe("atomic writes", () => {
  it("a failing body leaves neither the final name nor a temp file, and keeps the old content", async () => {
    const root = await tempDir();
    const adapter = local({ root });
    await adapter.write("dir/kept.txt", body("old"), {});
    const error = await rejection(adapter.write("dir/kept.txt", failingBody(), {}));
    expect(error.message).toMatch(/source went away/);
    await rejection(adapter.write("dir/new.txt", failingBody(), {}));
    expect(await readdir(`${root}/dir`)).toEqual(["kept.txt"]);
    expect(await text(await adapter.read("dir/kept.txt"))).toBe("old");
  });

  it("an aborted write rejects with Aborted and leaves nothing", async () => {
    const root = await tempDir();
    const adapter = local({ root });
    const controller = new AbortController();
    const slow = new Readable({
      read() {
        setTimeout(() => {
          this.push(Buffer.alloc(64 * 1024));
          controller.abort();
        }, 5);
      },
    });
    const error = await rejection(adapter.write("a.bin", slow, {}, { signal: controller.signal }));
    expect(error.code).toBe("Aborted");
    expect(await readdir(root)).toEqual([]);
  });

  it("a body shorter or longer than meta.size is refused before it replaces anything", async () => {
    const root = await tempDir();
    const adapter = local({ root });
    await adapter.write("f", body("original"), {});
    const error = await rejection(adapter.write("f", body("abc"), { size: 10 }));
    expect(error.code).toBe("Integrity");
    expect(await text(await adapter.read("f"))).toBe("original");
    expect(await readdir(root)).toEqual(["f"]);
  });

  it("sets mtime (to the millisecond) and, with perms, the mode", async () => {
    const root = await tempDir();
    const adapter = local({ root, perms: true });
    await adapter.write("x", body("x"), { mtime: 1_600_000_000_123.25, mode: 0o751 });
    const s = await stat(`${root}/x`);
    expect(Math.abs(s.mtimeMs - 1_600_000_000_123.25)).toBeLessThan(0.01);
    expect(s.mode & 0o777).toBe(0o751);
    // without perms the mode is not applied (the umask decides)
    const plain = local({ root });
    await plain.write("y", body("y"), { mode: 0o700 });
    expect((await stat(`${root}/y`)).mode & 0o777).not.toBe(0o700);
  });

  it("creates parent directories, and a file in the way is a clear Conflict", async () => {
    const root = await tempDir();
    const adapter = local({ root });
    await adapter.write("a/b/c/d.txt", body("deep"), {});
    expect(await text(await adapter.read("a/b/c/d.txt"))).toBe("deep");
    await adapter.write("file", body("f"), {});
    const error = await rejection(adapter.write("file/below.txt", body("x"), {}));
    expect(error.code).toBe("Conflict");
    expect(error.message).toMatch(/"file".*is a file where a directory is needed/);
    const onDir = await rejection(adapter.write("a/b", body("x"), {}));
    expect(onDir.code).toBe("Conflict");
    expect(onDir.message).toMatch(/is a directory/);
  });

  it("writes into a root that does not exist yet", async () => {
    const root = `${await tempDir()}/new/root`;
    const adapter = local({ root });
    expect(await adapter.probe!()).toEqual({ exists: false });
    await adapter.write("k", body("v"), {});
    expect(await adapter.probe!()).toEqual({ exists: true });
  });
});

describe("temp files left by a crash", () => {
  it("are never listed, stat'ed or read as keys, and names of that shape cannot be written", async () => {
    const root = await tempDir();
    await makeTree(root, ["dir/real.txt"]);
    await writeFile(`${root}/dir/.real.txt.ferry-tmp-0123456789ab`, "partial");
    const adapter = local({ root });
    expect(await listKeys(adapter)).toEqual(["dir/real.txt"]);
    expect(await adapter.stat("dir/.real.txt.ferry-tmp-0123456789ab")).toBeUndefined();
    expect((await rejection(adapter.read("dir/.real.txt.ferry-tmp-0123456789ab"))).code).toBe("NotFound");
    expect((await rejection(adapter.write("dir/.x.ferry-tmp-aaaaaaaaaaaa", body("x"), {}))).code).toBe("InvalidKey");
  });

  it("the first write into a directory sweeps stale leftovers of other processes, never its own", async () => {
    const root = await tempDir();
    await makeTree(root, ["dir/"]);
    const stale = ".a.ferry-tmp-0123456789ab";
    // a live write of this process sets its temp file's mtime to the source's before the rename
    const own = tempNameFor("c.txt");
    for (const name of [stale, own]) await writeFile(`${root}/dir/${name}`, name);
    // staleness is judged by mtime and ctime, and ctime cannot be set back: move the clock on
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 48 * 3600_000);
    try {
      const adapter = local({ root });
      await adapter.write("dir/d.txt", body("d"), {});
      await adapter.close!();
    } finally {
      vi.useRealTimers();
    }
    expect((await readdir(`${root}/dir`)).sort()).toEqual([own, "d.txt"].sort());
  });

  it("sweepStaleTempFiles removes temp files older than the limit and nothing else", async () => {
    const root = await tempDir();
    await makeTree(root, ["keep.txt", ".hidden", ".dir.ferry-tmp-0123456789ab/"]);
    await writeFile(`${root}/.a.ferry-tmp-0123456789ab`, "leftover");
    const hourFromNow = Date.now() + STALE_TEMP_MS + 1000;
    expect(await sweepStaleTempFiles(root, STALE_TEMP_MS, Date.now())).toBe(0);
    expect(await sweepStaleTempFiles(root, STALE_TEMP_MS, hourFromNow)).toBe(1);
    expect((await readdir(root)).sort()).toEqual([".dir.ferry-tmp-0123456789ab", ".hidden", "keep.txt"]);
  });

  it("cleanupTempFiles sweeps the whole tree", async () => {
    const root = await tempDir();
    await makeTree(root, ["a/b/", "c/", "c/kept"]);
    for (const p of ["a/b/.x.ferry-tmp-0123456789ab", "c/.y.ferry-tmp-0123456789ab", ".z.ferry-tmp-0123456789ab"]) {
      await writeFile(`${root}/${p}`, "leftover");
    }
    const adapter = new LocalAdapter({ root });
    expect(await adapter.cleanupTempFiles()).toBe(0);
    expect(await adapter.cleanupTempFiles({ olderThanMs: 0 })).toBe(3);
    expect(await readdir(`${root}/a/b`)).toEqual([]);
    expect(await readdir(`${root}/c`)).toEqual(["kept"]);
    expect((await readdir(root)).sort()).toEqual(["a", "c"]);
  });

  it("temp names stay under the file system's 255-byte name limit", async () => {
    const root = await tempDir();
    const adapter = local({ root });
    const long = "é".repeat(127); // 254 bytes
    await adapter.write(long, body("x"), {});
    expect(await listKeys(adapter)).toEqual([long]);
  });
});
