import { randomBytes } from "node:crypto";
import type { Adapter, Entry } from "@ferry/core";
import { afterAll, beforeAll, describe, it, type TestContext } from "vitest";
import { bodyOf } from "./bodies.js";
import type { CheckContext, ConformanceSettings } from "./check.js";
import { ALL_CHECKS } from "./checks/index.js";

export interface ConformanceOptions {
  /** shown in the suite title */
  name: string;
  /** makes the adapter under test (called once, before the first check) */
  create: () => Promise<Adapter>;
  /** called once after the last check (remove the temp dir, empty the bucket, …) */
  cleanup?: (adapter: Adapter) => Promise<void>;
  /**
   * Checks to opt out of, each as `"id"` or `"id: reason"` (the reason shows in the test
   * title). Unknown ids are an error, so a typo cannot silently skip nothing.
   */
  skip?: string[];
  /** bytes of the large-object check; default 64 MiB */
  largeObjectSize?: number;
  /** keys written by the pagination check; default 1100 */
  paginationKeys?: number;
}

/** The ids `skip` accepts. */
export const CONFORMANCE_CHECK_IDS: readonly string[] = ALL_CHECKS.map((c) => c.id);

const DEFAULT_TIMEOUT = 60_000;

function parseSkips(skip: readonly string[]): Map<string, string> {
  const reasons = new Map<string, string>();
  for (const item of skip) {
    const colon = item.indexOf(":");
    const id = (colon === -1 ? item : item.slice(0, colon)).trim();
    const reason = colon === -1 ? "opted out" : item.slice(colon + 1).trim() || "opted out";
    if (!CONFORMANCE_CHECK_IDS.includes(id)) {
      throw new Error(`runConformance: unknown check ${JSON.stringify(id)} in skip; known checks: ${CONFORMANCE_CHECK_IDS.join(", ")}`);
    }
    reasons.set(id, reason);
  }
  return reasons;
}

async function collect(adapter: Adapter, prefix: string, options?: Parameters<Adapter["list"]>[1]): Promise<Entry[]> {
  const entries: Entry[] = [];
  for await (const entry of adapter.list(prefix, options)) entries.push(entry);
  return entries;
}

/** Best-effort removal of whatever a check left under its prefix. */
async function removePrefix(adapter: Adapter, prefix: string): Promise<void> {
  try {
    const keys = (await collect(adapter, prefix)).map((e) => e.key);
    for (let i = 0; i < keys.length; i += 1000) await adapter.delete(keys.slice(i, i + 1000));
  } catch {
    // leftovers are the cleanup hook's business; a failing check already reported why
  }
}

function checkContext(adapter: Adapter, prefix: string, settings: ConformanceSettings, test: TestContext): CheckContext {
  return {
    adapter,
    prefix,
    settings,
    key: (name) => prefix + name,
    put: (key, data, meta = {}, options) =>
      adapter.write(key, bodyOf(data), { size: typeof data === "string" ? Buffer.byteLength(data) : data.length, ...meta }, options),
    list: (listPrefix = prefix, options) => collect(adapter, listPrefix, options),
    skip: (note) => test.skip(note),
  };
}

/**
 * Registers the adapter conformance suite as a vitest `describe` block. Every check writes
 * under its own `ferry-conformance-<run>/<check>/` prefix and removes it afterwards, so the
 * suite can run against a shared bucket.
 */
export function runConformance(options: ConformanceOptions): void {
  const skips = parseSkips(options.skip ?? []);
  const settings: ConformanceSettings = {
    largeObjectSize: options.largeObjectSize ?? 64 * 1024 * 1024,
    paginationKeys: options.paginationKeys ?? 1100,
  };
  const run = `${Date.now().toString(36)}-${randomBytes(3).toString("hex")}`;

  describe(`adapter conformance: ${options.name}`, () => {
    let adapter: Adapter | undefined;

    beforeAll(async () => {
      adapter = await options.create();
    });

    afterAll(async () => {
      if (!adapter) return;
      try {
        await options.cleanup?.(adapter);
      } finally {
        await adapter.close?.();
      }
    });

    for (const check of ALL_CHECKS) {
      const title = `${check.id}: ${check.title}`;
      const reason = skips.get(check.id);
      if (reason !== undefined) {
        it.skip(`${title} (skipped: ${reason})`, () => {});
        continue;
      }
      it(
        title,
        async (test) => {
          if (!adapter) throw new Error("the adapter was not created (see the beforeAll error)");
          const prefix = `ferry-conformance-${run}/${check.id}/`;
          try {
            await check.run(checkContext(adapter, prefix, settings, test));
          } finally {
            await removePrefix(adapter, prefix);
          }
        },
        check.timeout ?? DEFAULT_TIMEOUT,
      );
    }
  });
}
