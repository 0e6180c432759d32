import { expect } from "vitest";
import { failingBody, readBody, slowBody } from "../bodies.js";
import type { ConformanceCheck } from "../check.js";
import { expectFerryError } from "../failures.js";
import { keysOf } from "../ordering.js";

export const atomicityChecks: ConformanceCheck[] = [
  {
    id: "atomic-write",
    title: "a write whose body fails mid-way leaves no object and keeps the previous one",
    async run(t) {
      if (!t.adapter.capabilities.atomicWrites) t.skip("capabilities.atomicWrites is false");
      const existing = t.key("existing.txt");
      const fresh = t.key("fresh.txt");
      await t.put(existing, "previous content");
      const size = 3 * 64 * 1024 + 100;
      for (const key of [existing, fresh]) {
        await expect(t.adapter.write(key, failingBody(192 * 1024), { size }), `write of ${key} with a failing body`).rejects.toThrow();
      }
      expect((await readBody(await t.adapter.read(existing))).toString()).toBe("previous content");
      expect(await t.adapter.stat(fresh)).toBeUndefined();
      // no partial object or temporary name shows up either
      expect(keysOf(await t.list())).toEqual([existing]);
    },
  },
  {
    id: "abort-write",
    title: "aborting a write through its AbortSignal rejects with Aborted and leaves nothing",
    async run(t) {
      const key = t.key("aborted.bin");
      const controller = new AbortController();
      const body = slowBody(256 * 1024 * 1024, (total) => {
        if (total >= 512 * 1024 && !controller.signal.aborted) controller.abort();
      });
      await expectFerryError(t.adapter.write(key, body, {}, { signal: controller.signal }), "Aborted", "write aborted mid-way");
      body.destroy();
      const already = t.key("pre-aborted.bin");
      await expectFerryError(t.adapter.write(already, slowBody(1024 * 1024, () => {}), {}, { signal: AbortSignal.abort() }), "Aborted", "write with an aborted signal");
      expect(await t.adapter.stat(key)).toBeUndefined();
      expect(await t.adapter.stat(already)).toBeUndefined();
      expect(await t.list()).toEqual([]);
    },
  },
];
