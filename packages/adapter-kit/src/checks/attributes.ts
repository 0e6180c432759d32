import { isFerryError, type Adapter, type Entry, type WriteMeta } from "@ferry/core";
import { expect } from "vitest";
import type { CheckContext, ConformanceCheck } from "../check.js";

/** True when the adapter's checkWriteMeta refuses `meta` as Unsupported. */
function refuses(adapter: Adapter, meta: WriteMeta): boolean {
  if (!adapter.checkWriteMeta) return false;
  try {
    adapter.checkWriteMeta(meta);
    return false;
  } catch (e) {
    if (isFerryError(e) && e.code === "Unsupported") return true;
    throw e;
  }
}

async function statAndListed(t: CheckContext, key: string): Promise<{ stat: Entry | undefined; listed: Entry | undefined }> {
  const stat = await t.adapter.stat(key);
  const listed = (await t.list()).find((e) => e.key === key);
  expect(stat, `stat(${key})`).toBeDefined();
  expect(listed, `${key} in the listing`).toBeDefined();
  return { stat, listed };
}

function expectWithin(actual: number | undefined, expected: number, precision: number, what: string): void {
  expect(actual, what).toBeTypeOf("number");
  const diff = Math.abs(actual! - expected);
  if (diff > precision) expect.fail(`${what}: ${actual} is ${diff} ms from ${expected} (precision ${precision} ms)`);
}

// well in the past, with milliseconds, so "now" can never pass for it
const MTIMES = [1_600_000_000_123, 1_500_000_000_456.5, 946_684_800_000];

export const attributeChecks: ConformanceCheck[] = [
  {
    id: "content-type",
    title: "contentType is kept (when the adapter reports one)",
    async run(t) {
      const contentType = "application/x-ferry-conformance";
      if (refuses(t.adapter, { contentType })) t.skip("checkWriteMeta refuses contentType");
      const key = t.key("typed.bin");
      await t.put(key, "typed", { contentType });
      const { stat, listed } = await statAndListed(t, key);
      if (stat!.contentType === undefined && listed!.contentType === undefined) t.skip("the adapter accepts contentType but does not report it");
      if (stat!.contentType !== undefined) expect(stat!.contentType).toBe(contentType);
      if (listed!.contentType !== undefined) expect(listed!.contentType).toBe(contentType);
    },
  },
  {
    id: "metadata",
    title: "user metadata round-trips through write and stat",
    async run(t) {
      const metadata = { color: "blue", "ferry-conformance": "yes, with spaces" };
      if (refuses(t.adapter, { metadata })) t.skip("checkWriteMeta refuses metadata");
      const key = t.key("meta.txt");
      await t.put(key, "meta", { metadata });
      const stat = await t.adapter.stat(key);
      expect(stat?.metadata, "stat().metadata").toMatchObject(metadata);
      const listed = (await t.list()).find((e) => e.key === key);
      if (listed?.metadata !== undefined) expect(listed.metadata).toMatchObject(metadata);
    },
  },
  {
    id: "mtime",
    title: "the written mtime comes back from stat (and list, when mtimeInList) within mtimePrecision",
    async run(t) {
      const { mtime, mtimePrecision, mtimeInList } = t.adapter.capabilities;
      if (mtime === "none") t.skip('capabilities.mtime is "none"');
      for (const [i, when] of MTIMES.entries()) {
        const key = t.key(`dated-${i}.txt`);
        const result = await t.put(key, `dated ${when}`, { mtime: when });
        if (result.mtime !== undefined) expectWithin(result.mtime, when, mtimePrecision, "WriteResult.mtime");
        const { stat, listed } = await statAndListed(t, key);
        expectWithin(stat!.mtime, when, mtimePrecision, `stat(${key}).mtime`);
        if (mtimeInList) expectWithin(listed!.mtime, when, mtimePrecision, `listed mtime of ${key} (mtimeInList)`);
        else if (listed!.mtime !== undefined) expectWithin(listed!.mtime, when, mtimePrecision, `listed mtime of ${key}`);
      }
    },
  },
  {
    id: "permissions",
    title: "POSIX permission bits are kept (capabilities.permissions)",
    async run(t) {
      if (!t.adapter.capabilities.permissions) t.skip("capabilities.permissions is false");
      for (const mode of [0o640, 0o755, 0o600]) {
        const key = t.key(`mode-${mode.toString(8)}`);
        await t.put(key, "mode", { mode });
        const { stat, listed } = await statAndListed(t, key);
        expect((stat!.mode ?? -1) & 0o7777, `stat mode of ${key}`).toBe(mode);
        if (listed!.mode !== undefined) expect(listed!.mode & 0o7777, `listed mode of ${key}`).toBe(mode);
      }
    },
  },
];
