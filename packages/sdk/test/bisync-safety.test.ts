import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type Adapter, FerryError, type WriteMeta, type WriteOptions } from "@ferry/core";
import type { Readable } from "node:stream";
import { bisync, type BisyncOptions } from "../src/index.js";
import { filterFingerprint, normalizeRoot, pairFiles } from "../src/state/state-location.js";
import { freshMemory, keys, put, read } from "./helpers.js";

const stateRoot = fs.mkdtempSync(path.join(os.tmpdir(), "ferry-bisync-safety-"));
afterAll(() => fs.rmSync(stateRoot, { recursive: true, force: true }));

const T0 = 1_700_000_000_000;
let n = 0;

interface Hooks {
  /** before each body lands (write or server-side copy); may throw or wait */
  beforeWrite?: (key: string) => void | Promise<void>;
  move?: (from: string, to: string) => void | Promise<void>;
}

/** The adapter with hooks in front of its writes and moves; everything else passes through. */
function instrumented(inner: Adapter, hooks: Hooks): Adapter {
  return new Proxy(inner, {
    get(target, prop) {
      if (prop === "write")
        return async (key: string, body: Readable, meta: WriteMeta, options?: WriteOptions) => {
          await hooks.beforeWrite?.(key);
          return target.write(key, body, meta, options);
        };
      if (prop === "copy")
        return async (source: Adapter, sourceKey: string, key: string, meta: WriteMeta, options?: WriteOptions) => {
          await hooks.beforeWrite?.(key);
          return target.copy!(source, sourceKey, key, meta, options);
        };
      if (prop === "move")
        return async (from: string, to: string, options?: { signal?: AbortSignal }) => {
          await hooks.move?.(from, to);
          return target.move!(from, to, options);
        };
      const v = Reflect.get(target, prop, target) as unknown;
      return typeof v === "function" ? (v as (...args: unknown[]) => unknown).bind(target) : v;
    },
  });
}

async function contents(adapter: Adapter): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const k of await keys(adapter)) out[k] = await read(adapter, k);
  return out;
}

function pair() {
  const a = freshMemory("a");
  const b = freshMemory("b");
  const stateDir = path.join(stateRoot, String(++n));
  const files = pairFiles(stateDir, { src: normalizeRoot(a.adapter.root), dst: normalizeRoot(b.adapter.root) }, filterFingerprint({}));
  return {
    a: a.adapter,
    b: b.adapter,
    stateDir,
    files,
    run: (more: BisyncOptions = {}, sides: { a?: Adapter; b?: Adapter } = {}) => bisync(sides.a ?? a.url, sides.b ?? b.url, { stateDir, ...more }),
  };
}

async function seeded(count = 10) {
  const p = pair();
  for (const side of [p.a, p.b]) for (let i = 0; i < count; i++) await put(side, `f${i}.txt`, `file ${i}`);
  const first = await p.run();
  expect(first.stats.outcome).toBe("success");
  return p;
}

const stateBytes = (p: ReturnType<typeof pair>) => fs.readFileSync(p.files.state, "utf8");

describe("delete guards per side (SPEC §6)", () => {
  it("refuses more than 50% of a side's keys before changing anything, on either side", async () => {
    const p = await seeded(10);
    const before = stateBytes(p);
    await p.b.delete(["f0.txt", "f1.txt", "f2.txt", "f3.txt", "f4.txt", "f5.txt"]);
    await put(p.b, "new-on-b.txt", "new");
    const r = await p.run();
    expect(r.stats.outcome).toBe("refused");
    expect(r.stats.reason).toMatch(/would delete 6 keys on A .*more than --max-delete 50% \(5 of 10 keys\)/);
    expect(await keys(p.a)).toHaveLength(10); // the upload of new-on-b.txt did not run either
    expect(stateBytes(p)).toBe(before);
    expect(r.stateSaved).toBe(false);
    const forced = await p.run({ force: true });
    expect(forced.stats.outcome).toBe("success");
    expect(forced.deleted.src).toHaveLength(6);
    expect(await read(p.a, "new-on-b.txt")).toBe("new");
  });

  it("counts each side against its own keys, and takes a count", async () => {
    const p = await seeded(10);
    await p.a.delete(["f0.txt", "f1.txt"]);
    await p.b.delete(["f8.txt", "f9.txt"]);
    const refused = await p.run({ maxDelete: 1 });
    expect(refused.stats.outcome).toBe("refused");
    const ok = await p.run({ maxDelete: 2 });
    expect(ok.stats.outcome).toBe("success");
    expect(ok.deleted).toEqual({ src: ["f8.txt", "f9.txt"], dst: ["f0.txt", "f1.txt"] });
  });

  it("an emptied side never propagates its emptiness unless forced", async () => {
    const p = await seeded(4);
    await p.a.delete(await keys(p.a));
    const r = await p.run({ maxDelete: "100%" });
    expect(r.stats.outcome).toBe("refused");
    expect(r.stats.reason).toMatch(/A \(mem:\/\/.*\) lists no keys although the last run saw 4/);
    expect(await keys(p.b)).toHaveLength(4);
    const forced = await p.run({ force: true });
    expect(forced.deleted.dst).toHaveLength(4);
    expect(await keys(p.b)).toEqual([]);
  });

  it("a dry run plans for real and changes nothing, state included", async () => {
    const p = await seeded(4);
    const before = stateBytes(p);
    await put(p.a, "new.txt", "x");
    await p.b.delete(["f0.txt"]);
    const r = await p.run({ dryRun: true });
    expect(r.uploaded).toEqual(["new.txt"]);
    expect(r.deleted.src).toEqual(["f0.txt"]);
    expect(await keys(p.b)).not.toContain("new.txt");
    expect(await keys(p.a)).toContain("f0.txt");
    expect(stateBytes(p)).toBe(before);
    expect(r.stateSaved).toBe(false);
  });
});

describe("one run per pair (lock)", () => {
  it("refuses a second run while the first is running, and releases the lock after", async () => {
    const p = await seeded(3);
    await put(p.a, "slow.txt", "slow");
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let entered!: () => void;
    const started = new Promise<void>((r) => (entered = r));
    const slowB = instrumented(p.b, {
      beforeWrite: async () => {
        entered();
        await gate;
      },
    });
    const first = p.run({}, { b: slowB });
    await started;
    const second = p.run().catch((e: unknown) => e);
    const refused = await second;
    expect(refused).toBeInstanceOf(FerryError);
    expect((refused as FerryError).code).toBe("Conflict");
    expect((refused as FerryError).message).toMatch(/another bisync of this pair is running \(pid \d+ on /);
    // the same pair named the other way round is the same pair
    const swapped = await bisync(p.b, p.a, { stateDir: p.stateDir }).catch((e: unknown) => e);
    expect((swapped as FerryError).code).toBe("Conflict");
    release();
    expect((await first).stats.outcome).toBe("success");
    expect(fs.existsSync(p.files.lock)).toBe(false);
    expect((await p.run()).stats.outcome).toBe("success");
  });

  it("a lock whose process is gone expires", async () => {
    const p = await seeded(2);
    const child = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
    const deadPid = Number(child.stdout);
    fs.writeFileSync(p.files.lock, JSON.stringify({ pid: deadPid, host: os.hostname(), started: new Date().toISOString() }));
    await put(p.a, "after-crash.txt", "x");
    const r = await p.run();
    expect(r.stats.outcome).toBe("success");
    expect(r.uploaded).toEqual(["after-crash.txt"]);
    expect(fs.existsSync(p.files.lock)).toBe(false);
  });

  it("a lock nobody refreshed for over 10 minutes expires (a crash on another host)", async () => {
    const p = await seeded(2);
    fs.writeFileSync(p.files.lock, JSON.stringify({ pid: process.pid, host: "some-other-host", started: "2020-01-01T00:00:00Z" }));
    const old = new Date(Date.now() - 11 * 60_000);
    fs.utimesSync(p.files.lock, old, old);
    expect((await p.run()).stats.outcome).toBe("success");
  });

  it("a fresh lock of a live process is respected", async () => {
    const p = await seeded(2);
    fs.writeFileSync(p.files.lock, JSON.stringify({ pid: process.pid, host: "some-other-host", started: new Date().toISOString() }));
    await expect(p.run()).rejects.toMatchObject({ code: "Conflict" });
    fs.rmSync(p.files.lock);
  });
});

describe("interrupted and failed runs leave the previous state in force", () => {
  /** A busy situation: new keys both ways, a conflict, a deletion to propagate. */
  async function busy() {
    const p = await seeded(6);
    for (let i = 0; i < 12; i++) await put(p.a, `a-new/${i}.txt`, `from A ${i}`, T0 + 1000);
    for (let i = 0; i < 5; i++) await put(p.b, `b-new/${i}.txt`, `from B ${i}`, T0 + 1000);
    await put(p.a, "f0.txt", "A edited f0", T0 + 9000);
    await put(p.b, "f0.txt", "B edited f0", T0 + 5000);
    await put(p.b, "f1.txt", "B edited f1", T0 + 5000);
    await p.a.delete(["f2.txt"]);
    return p;
  }

  async function expectConvergedWithNothingLost(p: ReturnType<typeof pair>) {
    const r = await p.run();
    expect(r.stats.outcome).toBe("success");
    const a = await contents(p.a);
    const b = await contents(p.b);
    expect(a).toEqual(b);
    for (let i = 0; i < 12; i++) expect(a[`a-new/${i}.txt`]).toBe(`from A ${i}`);
    for (let i = 0; i < 5; i++) expect(a[`b-new/${i}.txt`]).toBe(`from B ${i}`);
    expect(a["f1.txt"]).toBe("B edited f1");
    expect(a["f2.txt"]).toBeUndefined();
    // both versions of the conflict survive, exactly once each under a conflict name
    expect(a["f0.txt"]).toBe("A edited f0");
    const copies = Object.entries(a).filter(([k]) => k.startsWith("f0.conflict-"));
    expect(copies.map(([, v]) => v)).toEqual(["B edited f0"]);
    const again = await p.run();
    expect(again.uploaded.length + again.downloaded.length + again.deleted.src.length + again.deleted.dst.length + again.conflicts.length).toBe(0);
    return r;
  }

  it("Ctrl-C (abort) mid-run: nothing saved, the next run converges without resync", async () => {
    const p = await busy();
    const before = stateBytes(p);
    const controller = new AbortController();
    let writes = 0;
    const abortingB = instrumented(p.b, {
      beforeWrite: () => {
        if (++writes === 4) controller.abort();
      },
    });
    const r = await p.run({ signal: controller.signal, transfers: 1 }, { b: abortingB });
    expect(r.stats.outcome).toBe("aborted");
    expect(r.stateSaved).toBe(false);
    expect(stateBytes(p)).toBe(before);
    expect(fs.existsSync(p.files.lock)).toBe(false);
    expect(Object.keys(await contents(p.b)).some((k) => k.startsWith("a-new/"))).toBe(true); // it did get going
    const next = await expectConvergedWithNothingLost(p);
    // keys copied before the interruption are new on both sides and identical: no conflict
    expect(next.conflicts).toEqual([]);
  });

  it("a failed transfer: the run is partial, nothing saved, the next run converges", async () => {
    const p = await busy();
    const before = stateBytes(p);
    const failingB = instrumented(p.b, {
      beforeWrite: (key) => {
        if (key === "a-new/3.txt") throw new FerryError("Provider", "disk full", { key });
      },
    });
    const r = await p.run({ retries: 0 }, { b: failingB });
    expect(r.stats.outcome).toBe("partial");
    expect(r.errors?.map((e) => e.key)).toEqual(["a-new/3.txt"]);
    expect(stateBytes(p)).toBe(before);
    await expectConvergedWithNothingLost(p);
  });

  it("when the loser of a conflict cannot be moved aside, the winner is not copied over it", async () => {
    const p = await seeded(3);
    await put(p.a, "f0.txt", "A edited", T0 + 9000);
    await put(p.b, "f0.txt", "B edited", T0 + 5000);
    const stuckB = instrumented(p.b, {
      move: () => {
        throw new FerryError("Provider", "move refused", {});
      },
    });
    const r = await p.run({ retries: 0 }, { b: stuckB });
    expect(r.stats.outcome).toBe("partial");
    expect(await read(p.b, "f0.txt")).toBe("B edited");
    expect(r.errors?.some((e) => e.error.code === "Conflict" && /could not be renamed aside/.test(e.error.message))).toBe(true);
    await expect(p.run()).resolves.toMatchObject({ stats: { outcome: "success" } });
    expect(await read(p.b, "f0.txt")).toBe("A edited");
    const kept = Object.entries(await contents(p.b)).filter(([k]) => k.startsWith("f0.conflict-"));
    expect(kept.map(([, v]) => v)).toEqual(["B edited"]);
  });
});

describe("state", () => {
  it("is one file per pair and filter set, sorted, with a format header, and no temp files left", async () => {
    const p = await seeded(3);
    await put(p.a, "z.txt", "z");
    await put(p.a, "ä.txt", "umlaut");
    await put(p.a, "😀.txt", "emoji");
    await put(p.a, "ｆ.txt", "fullwidth");
    await p.run();
    const lines = stateBytes(p).trimEnd().split("\n");
    expect(JSON.parse(lines[0]!)).toMatchObject({ format: "ferry-bisync-state", version: 1, roots: { src: p.a.root, dst: p.b.root } });
    const stateKeys = lines.slice(1).map((l) => (JSON.parse(l) as [string])[0]);
    expect(stateKeys).toEqual(["f0.txt", "f1.txt", "f2.txt", "z.txt", "ä.txt", "ｆ.txt", "😀.txt"]);
    expect(fs.readdirSync(p.stateDir).sort()).toEqual([path.basename(p.files.state)]);
  });

  it("the pair named the other way round uses the same state", async () => {
    const p = await seeded(3);
    await p.a.delete(["f0.txt"]);
    const r = await bisync(p.b, p.a, { stateDir: p.stateDir });
    expect(r.firstRun).toBe(false);
    expect(r.deleted).toEqual({ src: ["f0.txt"], dst: [] }); // src is now p.b
  });

  it("a different filter set is a different state (a first run)", async () => {
    const p = await seeded(3);
    const r = await p.run({ exclude: ["*.log"] });
    expect(r.firstRun).toBe(true);
  });

  it("a damaged or foreign state file is refused with a hint to resync", async () => {
    const p = await seeded(2);
    fs.writeFileSync(p.files.state, "not a state\n");
    await expect(p.run()).rejects.toMatchObject({ code: "Usage", hint: expect.stringMatching(/--resync/) });
    expect((await p.run({ resync: true })).stats.outcome).toBe("success");
    fs.writeFileSync(p.files.state, `${stateBytes(p).split("\n")[0]}\n["b",[1]]\n["a",[1]]\n`);
    await expect(p.run()).rejects.toThrow(/out of order/);
  });
});

describe("options", () => {
  it("refuses one-way options", async () => {
    const p = pair();
    await expect(p.run({ delete: true } as BisyncOptions)).rejects.toMatchObject({ code: "Usage", message: expect.stringMatching(/delete is a one-way option/) });
    await expect(p.run({ transformKey: (k: string) => k } as BisyncOptions)).rejects.toMatchObject({ code: "Usage" });
  });

  it("refuses unknown strategies and policies", async () => {
    const p = pair();
    await expect(p.run({ conflict: "coin-flip" as never })).rejects.toMatchObject({ code: "Usage" });
    await expect(p.run({ initial: "whatever" as never })).rejects.toMatchObject({ code: "Usage" });
  });

  it("refuses a location that does not exist instead of reading it as empty", async () => {
    const missing = path.join(stateRoot, "no-such-folder");
    const p = pair();
    await expect(bisync(p.a, missing, { stateDir: p.stateDir })).rejects.toMatchObject({ code: "Unreachable" });
  });
});
