import { describe, expect, it } from "vitest";
import { type Adapter, type Capabilities, DEFAULT_CAPABILITIES, type Entry } from "../adapter.js";
import type { EntryDetails } from "../compare/comparator.js";
import { createChangeDetector } from "./classify.js";
import type { SideSnapshot } from "./state-record.js";

const adapterWith = (caps: Partial<Capabilities>): Adapter =>
  ({ name: "x", root: "x://r/", capabilities: { ...DEFAULT_CAPABILITIES, ...caps } }) as unknown as Adapter;
const local = adapterWith({ mtime: "native", mtimePrecision: 1, mtimeInList: true, hashes: ["md5"] });
const s3 = adapterWith({ mtime: "metadata", mtimePrecision: 1, mtimeInList: false, etag: "s3", hashes: ["md5"] });
const sizeOnly = adapterWith({});

const details = (mtime?: number, md5?: string): EntryDetails => ({ mtime: async () => mtime, hash: async () => md5 });
const none = details();
const cur = (over: Partial<Entry> = {}): Entry => ({ key: "k", size: 5, ...over });

describe("per-side change detection against the saved state", () => {
  const d = createChangeDetector(local, "src");
  it("new, deleted, absent", () => {
    expect(d.classify(undefined, cur(), none)).toBe("new");
    expect(d.classify({ size: 5 }, undefined, none)).toBe("deleted");
    expect(d.classify(undefined, undefined, none)).toBe("absent");
  });
  it("a size change is always a change", () => {
    expect(d.classify({ size: 4, mtime: 1 }, cur({ mtime: 1 }), none)).toBe("changed");
  });
  it("mtimes within the side's own precision", () => {
    expect(d.classify({ size: 5, mtime: 1000 }, cur({ mtime: 1000 }), none)).toBe("same");
    expect(d.classify({ size: 5, mtime: 1000 }, cur({ mtime: 1002 }), none)).toBe("changed");
    const coarse = createChangeDetector(adapterWith({ mtime: "native", mtimePrecision: 1000 }), "dst");
    expect(coarse.classify({ size: 5, mtime: 1000.5 }, cur({ mtime: 1000 }), none)).toBe("same");
  });
  it("auto prefers an etag (free in object listings) over an mtime that needs a HEAD", () => {
    const d3 = createChangeDetector(s3, "dst");
    const prev: SideSnapshot = { size: 5, mtime: 1, etag: "e1" };
    expect(d3.classify(prev, cur({ etag: "e1" }), none)).toBe("same");
    expect(d3.classify(prev, cur({ etag: "e2" }), none)).toBe("changed");
  });
  it("fetches a missing mtime through details", async () => {
    const d3 = createChangeDetector(s3, "dst");
    await expect(d3.classify({ size: 5, mtime: 7 }, cur(), details(7))).resolves.toBe("same");
    await expect(d3.classify({ size: 5, mtime: 7 }, cur(), details(9))).resolves.toBe("changed");
  });
  it("is unsure when the state holds no signal the side can check", () => {
    expect(d.classify({ size: 5 }, cur({ mtime: 1 }), none)).toBe("unsure");
    // a side without mtimes, etags or hashes can only be judged by size
    expect(createChangeDetector(sizeOnly, "src").classify({ size: 5 }, cur(), none)).toBe("same");
  });
  it("compare size ignores everything but sizes", () => {
    const ds = createChangeDetector(local, "src", { compare: "size" });
    expect(ds.classify({ size: 5, mtime: 1 }, cur({ mtime: 99 }), none)).toBe("same");
  });
  it("compare size-mtime counts a touch as a change even when a hash says same", () => {
    const dm = createChangeDetector(local, "src", { compare: "size-mtime" });
    expect(dm.classify({ size: 5, mtime: 1000, hashes: { md5: "h" } }, cur({ mtime: 2000, hashes: { md5: "h" } }), none)).toBe("changed");
  });
  it("compare checksum compares content hashes, fetching the current one", async () => {
    const dc = createChangeDetector(local, "src", { compare: "checksum", hashAlgorithm: "md5" });
    await expect(dc.classify({ size: 5, mtime: 1, hashes: { md5: "h" } }, cur({ mtime: 2 }), details(undefined, "h"))).resolves.toBe("same");
    await expect(dc.classify({ size: 5, mtime: 1, hashes: { md5: "h" } }, cur({ mtime: 1 }), details(undefined, "other"))).resolves.toBe("changed");
  });
  it("a custom function gets the saved copy and the current one", () => {
    const dc = createChangeDetector(local, "src", { compare: (saved, now) => saved.mtime === now.mtime });
    expect(dc.classify({ size: 5, mtime: 3 }, cur({ mtime: 3 }), none)).toBe("same");
    expect(dc.classify({ size: 5, mtime: 3 }, cur({ mtime: 4 }), none)).toBe("changed");
  });
});
