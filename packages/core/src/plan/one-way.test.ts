import { describe, expect, it } from "vitest";
import type { Action } from "../actions.js";
import { type Adapter, type Capabilities, DEFAULT_CAPABILITIES, type Entry } from "../adapter.js";
import { type CompareMode, createComparator } from "../compare/comparators.js";
import type { EntryDetails } from "../compare/comparator.js";
import { emptyStats } from "../events.js";
import { modeRules, parseMode, type SyncMode } from "./modes.js";
import { planOneWay, type Modifiers, type KeySelector } from "./one-way.js";
import { mergeListings } from "./merge.js";

// The planner only reads adapters' names and capabilities; listings are passed in as streams.
const adapterWith = (name: string, caps: Partial<Capabilities> = {}): Adapter =>
  ({ name, root: `${name}://x/`, capabilities: { ...DEFAULT_CAPABILITIES, ...caps } }) as unknown as Adapter;
const local = adapterWith("local", { mtime: "native", mtimePrecision: 1, mtimeInList: true });

async function* stream(entries: Entry[]): AsyncGenerator<Entry> {
  yield* entries;
}
const e = (key: string, size = 1, mtime = 1000): Entry => ({ key, size, mtime });

const noDetails: EntryDetails = {
  mtime: async () => undefined,
  hash: async () => undefined,
};

interface Case {
  src: Entry[];
  dst: Entry[];
  mode?: SyncMode | string;
  compare?: CompareMode;
  modifiers?: Modifiers;
  filter?: KeySelector;
  deleteExcluded?: boolean;
  limit?: number;
}

async function plan(c: Case) {
  const mode = parseMode(c.mode ?? "sourceToDestination");
  const rules = modeRules(mode);
  const fromSide = rules.direction === "dst-to-src" ? "dst" : "src";
  const toSide = fromSide === "src" ? "dst" : "src";
  const stats = emptyStats();
  const actions: Action[] = [];
  for await (const a of planOneWay({
    from: local,
    to: local,
    fromSide,
    toSide,
    fromEntries: stream(fromSide === "src" ? c.src : c.dst),
    toEntries: stream(fromSide === "src" ? c.dst : c.src),
    comparator: createComparator(local, local, { compare: c.compare ?? "size-mtime", fromSide, toSide }),
    details: noDetails,
    deletes: rules.deletes,
    modifyWindow: 1,
    stats,
    ...(c.filter ? { filter: c.filter } : {}),
    ...(c.modifiers ? { modifiers: c.modifiers } : {}),
    ...(c.deleteExcluded ? { deleteExcluded: true } : {}),
    ...(c.limit !== undefined ? { limit: c.limit } : {}),
  })) {
    actions.push(a);
  }
  const brief = actions.map((a) =>
    a.type === "transfer"
      ? `transfer ${a.from}->${a.to} ${a.key} (${a.reason})`
      : a.type === "delete"
        ? `delete ${a.side} ${a.key} (${a.reason})`
        : a.type === "skip"
          ? `skip ${a.key} (${a.reason})`
          : `move ${a.fromKey}`,
  );
  return { brief, stats };
}

const src = [e("a.txt"), e("changed.txt", 2), e("same.txt"), e("src-only.txt")];
const dst = [e("a.txt", 1, 5000), e("changed.txt", 3), e("dst-only.txt"), e("same.txt")];

describe("one-way modes (SPEC §3)", () => {
  it("sourceToDestination uploads new and changed, deletes extraneous", async () => {
    const { brief } = await plan({ src, dst, mode: "mirror" });
    expect(brief).toEqual([
      "transfer src->dst a.txt (mtime)",
      "transfer src->dst changed.txt (size)",
      "delete dst dst-only.txt (extraneous)",
      "skip same.txt (identical)",
      "transfer src->dst src-only.txt (new)",
    ]);
  });

  it("sourceBackup never deletes", async () => {
    const { brief } = await plan({ src, dst, mode: "sb" });
    expect(brief.filter((b) => b.startsWith("delete"))).toEqual([]);
    expect(brief).toContain("transfer src->dst src-only.txt (new)");
  });

  it("destinationToSource downloads and deletes on the source", async () => {
    const { brief } = await plan({ src, dst, mode: "dts" });
    expect(brief).toEqual([
      "transfer dst->src a.txt (mtime)",
      "transfer dst->src changed.txt (size)",
      "transfer dst->src dst-only.txt (new)",
      "skip same.txt (identical)",
      "delete src src-only.txt (extraneous)",
    ]);
  });

  it("destinationBackup downloads and never deletes", async () => {
    const { brief } = await plan({ src, dst, mode: "db" });
    expect(brief).toEqual([
      "transfer dst->src a.txt (mtime)",
      "transfer dst->src changed.txt (size)",
      "transfer dst->src dst-only.txt (new)",
      "skip same.txt (identical)",
    ]);
  });

  it("counts found keys per side", async () => {
    const { stats } = await plan({ src, dst, mode: "dts" });
    expect(stats.foundSrc).toBe(4);
    expect(stats.foundDst).toBe(4);
  });
});

describe("modifiers (SPEC §4)", () => {
  it("--update skips when the destination is newer", async () => {
    const { brief } = await plan({ src, dst, modifiers: { update: true } });
    expect(brief).toContain("skip a.txt (dst-newer)");
  });
  it("--ignore-existing never touches existing keys", async () => {
    const { brief } = await plan({ src, dst, mode: "sb", modifiers: { ignoreExisting: true } });
    expect(brief).toEqual([
      "skip a.txt (ignore-existing)",
      "skip changed.txt (ignore-existing)",
      "skip same.txt (ignore-existing)",
      "transfer src->dst src-only.txt (new)",
    ]);
  });
  it("--existing never creates keys", async () => {
    const { brief } = await plan({ src, dst, mode: "sb", modifiers: { existing: true } });
    expect(brief).toContain("skip src-only.txt (existing-only)");
    expect(brief.some((b) => b.includes("src-only.txt (new)"))).toBe(false);
  });
  it("--ignore-times transfers identical keys", async () => {
    const { brief } = await plan({ src, dst, mode: "sb", modifiers: { forceUpdate: true } });
    expect(brief).toContain("transfer src->dst same.txt (forced)");
  });
  it("--size-only ignores mtimes", async () => {
    const { brief } = await plan({ src, dst, mode: "sb", compare: "size" });
    expect(brief).toContain("skip a.txt (identical)");
  });
});

describe("filters in the plan (SPEC §5)", () => {
  const noLogs: KeySelector = { includes: (k) => !k.endsWith(".log") };
  const s = [e("keep.txt"), e("x.log")];
  const d = [e("keep.txt"), e("old.log"), e("stale.txt")];
  it("never deletes an excluded destination key", async () => {
    const { brief, stats } = await plan({ src: s, dst: d, filter: noLogs });
    expect(brief).toEqual(["skip keep.txt (identical)", "delete dst stale.txt (extraneous)"]);
    expect(stats.excluded).toBe(2);
  });
  it("deletes excluded keys with --delete-excluded", async () => {
    const { brief } = await plan({ src: s, dst: d, filter: noLogs, deleteExcluded: true });
    expect(brief).toContain("delete dst old.log (excluded)");
  });
  it("--limit stops after N selected keys", async () => {
    const { brief } = await plan({ src: [e("a"), e("b"), e("c")], dst: [], limit: 2 });
    expect(brief).toEqual(["transfer src->dst a (new)", "transfer src->dst b (new)"]);
  });
});

describe("safety of the merge", () => {
  it("skips invalid keys instead of writing them", async () => {
    const { brief, stats } = await plan({ src: [e("../../etc/passwd"), e("ok")], dst: [] });
    expect(brief).toEqual(["skip ../../etc/passwd (invalid-key)", "transfer src->dst ok (new)"]);
    expect(stats.invalid).toBe(1);
  });
  it("refuses an out-of-order listing", async () => {
    await expect(plan({ src: [e("b"), e("a")], dst: [] })).rejects.toThrow(/out of order/);
  });
  it("refuses a key listed twice", async () => {
    await expect(plan({ src: [], dst: [e("a"), e("a")] })).rejects.toThrow(/listed twice/);
  });
  it("merges in byte order across surrogate pairs", async () => {
    const pairs = [];
    for await (const p of mergeListings(stream([e("ｆ"), e("😀")]), stream([e("😀")]))) pairs.push(p.key);
    expect(pairs).toEqual(["ｆ", "😀"]);
  });
  it("plans a large merge without collecting it", async () => {
    const n = 200_000;
    async function* gen(offset: number) {
      for (let i = 0; i < n; i++) yield e(`k/${String(i * 2 + offset).padStart(8, "0")}`);
    }
    let count = 0;
    for await (const p of mergeListings(gen(0), gen(1))) if (p.a || p.b) count++;
    expect(count).toBe(2 * n);
  });
});

describe("comparators", () => {
  const s3 = adapterWith("s3", { mtime: "metadata", mtimePrecision: 1, etag: "s3" });
  const s3b = { ...s3, identity: "s3:a" } as Adapter;
  it("auto picks size-mtime when both keep mtimes", () => {
    expect(createComparator(local, s3).name).toBe("size-mtime");
  });
  it("auto picks etag for same-provider pairs without mtimes", () => {
    const a = { ...adapterWith("x", { etag: "x" }), identity: "x:1" } as Adapter;
    expect(createComparator(a, a).name).toBe("etag");
  });
  it("auto falls back to size", () => {
    expect(createComparator(adapterWith("webdav"), adapterWith("webdav")).name).toBe("size");
  });
  it("etag refuses different providers", () => {
    expect(() => createComparator(local, s3b, { compare: "etag" })).toThrow(/same provider/);
  });
  it("size-mtime fetches missing mtimes through details", async () => {
    const c = createComparator(local, s3, { compare: "size-mtime" });
    const details: EntryDetails = { mtime: async () => 1000.4, hash: async () => undefined };
    expect(await c.compare(e("a", 1, 1000), { key: "a", size: 1 }, details)).toEqual({ same: true });
    expect(await c.compare(e("a", 1, 5000), { key: "a", size: 1 }, details)).toMatchObject({ same: false, reason: "mtime" });
  });
  it("checksum compares content hashes", async () => {
    const c = createComparator(local, local, { compare: "checksum" });
    const details: EntryDetails = { mtime: async () => undefined, hash: async (_s, entry) => (entry.key === "a" ? "aa" : "bb") };
    expect(await c.compare({ key: "a", size: 1 }, { key: "a", size: 1, hashes: { md5: "aa" } }, details)).toEqual({ same: true });
    expect(await c.compare({ key: "a", size: 1 }, { key: "a", size: 1, hashes: { md5: "cc" } }, details)).toMatchObject({ same: false });
  });
  it("a custom function decides", async () => {
    const c = createComparator(local, local, { compare: (a, b) => a.key === b.key && a.size === b.size });
    expect(await c.compare(e("a", 1), e("a", 1), noDetails)).toEqual({ same: true });
    expect(await c.compare(e("a", 1), e("a", 2), noDetails)).toMatchObject({ same: false, reason: "custom" });
  });
});

describe("directory entries (--dirs)", () => {
  it("pair where their contents begin, as name/", async () => {
    const dir = (key: string): Entry => ({ key, size: 0, type: "dir" });
    const { brief } = await plan({ src: [e("a/b.txt"), dir("a/b"), e("a/b/c.txt"), dir("a/empty")], dst: [dir("a/b"), e("a/b/c.txt")] });
    expect(brief).toEqual([
      "transfer src->dst a/b.txt (new)",
      "skip a/b/ (identical)",
      "skip a/b/c.txt (identical)",
      "transfer src->dst a/empty (new)",
    ]);
  });
});

describe("auto compare against object stores", () => {
  const s3 = adapterWith("s3", { mtime: "metadata", mtimePrecision: 1, mtimeInList: false, etag: "s3" });
  const counting = () => {
    let heads = 0;
    const details: EntryDetails = { mtime: async () => (heads++, 1000), hash: async () => undefined };
    return { details, heads: () => heads };
  };
  it("takes an upload no earlier than the source mtime as current without a HEAD (aws rule)", async () => {
    const c = createComparator(local, s3);
    const d = counting();
    expect(await c.compare(e("a", 1, 1000), { key: "a", size: 1, lastModified: 2000 }, d.details)).toEqual({ same: true });
    expect(d.heads()).toBe(0);
  });
  it("asks for the kept mtime when the source changed after the upload", async () => {
    const c = createComparator(local, s3);
    const d = counting();
    expect(await c.compare(e("a", 1, 3000), { key: "a", size: 1, lastModified: 2000 }, d.details)).toMatchObject({ same: false });
    expect(d.heads()).toBe(1);
  });
  it("an explicit size-mtime always compares the kept mtimes", async () => {
    const c = createComparator(local, s3, { compare: "size-mtime" });
    const d = counting();
    await c.compare(e("a", 1, 1000), { key: "a", size: 1, lastModified: 2000 }, d.details);
    expect(d.heads()).toBe(1);
  });
});

describe("a plan that settles (onlyAdditionsLeft)", () => {
  const settling = (src: Entry[], dst: Entry[]) =>
    planOneWay({
      from: local,
      to: local,
      fromSide: "src",
      toSide: "dst",
      fromEntries: stream(src),
      toEntries: stream(dst),
      comparator: createComparator(local, local, { compare: "size-mtime", fromSide: "src", toSide: "dst" }),
      details: noDetails,
      deletes: true,
      stats: emptyStats(),
    });

  it("turns true right after the last action that touches a receiving key, and stays true", async () => {
    const p = settling([e("a"), e("c", 2), e("x"), e("y")], [e("b"), e("c"), e("d")]);
    expect(p.onlyAdditionsLeft).toBe(false);
    const seen: string[] = [];
    for await (const a of p) seen.push(`${a.type}:${"key" in a ? a.key : a.fromKey}:${p.onlyAdditionsLeft}`);
    expect(seen).toEqual([
      "transfer:a:false",
      "delete:b:false",
      "transfer:c:false",
      "delete:d:false",
      "transfer:x:true",
      "transfer:y:true",
    ]);
  });

  it("is true from the first action when the receiving side is empty, and never leaks its marker", async () => {
    const p = settling([e("a"), e("b")], []);
    const seen: string[] = [];
    for await (const a of p) seen.push(`${a.type}:${"key" in a ? a.key : a.fromKey}:${p.onlyAdditionsLeft}`);
    expect(seen).toEqual(["transfer:a:true", "transfer:b:true"]);
  });

  it("stays false while the sending side ends first", async () => {
    const p = settling([e("a")], [e("b"), e("c")]);
    const seen: string[] = [];
    for await (const a of p) seen.push(`${a.type}:${"key" in a ? a.key : a.fromKey}:${p.onlyAdditionsLeft}`);
    expect(seen).toEqual(["transfer:a:false", "delete:b:false", "delete:c:false"]);
  });
});
