import { expect } from "vitest";
import { readBody } from "../bodies.js";
import type { CheckContext, ConformanceCheck } from "../check.js";
import { expectFerryError } from "../failures.js";

const WHEN = 1_600_000_000_123;

function expectMtimeNear(t: CheckContext, actual: number | undefined, what: string): void {
  const { mtime, mtimePrecision } = t.adapter.capabilities;
  if (mtime === "none") return;
  expect(actual, what).toBeTypeOf("number");
  expect(Math.abs(actual! - WHEN), `${what}: ${actual} vs ${WHEN}`).toBeLessThanOrEqual(mtimePrecision);
}

export const serverSideChecks: ConformanceCheck[] = [
  {
    id: "copy",
    title: "server-side copy within the adapter duplicates content and keeps the source",
    async run(t) {
      const copy = t.adapter.copy?.bind(t.adapter);
      if (!copy) return t.skip("the adapter has no copy()");
      const source = t.key("source.txt");
      await t.put(source, "copy me", { mtime: WHEN });
      for (const target of [t.key("copy.txt"), t.key("nested/deeper/copy.txt")]) {
        await copy(t.adapter, source, target, { size: 7, mtime: WHEN });
        expect((await readBody(await t.adapter.read(target))).toString(), `content of ${target}`).toBe("copy me");
        const entry = await t.adapter.stat(target);
        expect(entry?.size).toBe(7);
        expectMtimeNear(t, entry?.mtime, `mtime of ${target}`);
      }
      expect((await readBody(await t.adapter.read(source))).toString()).toBe("copy me");
      await expectFerryError(copy(t.adapter, t.key("missing"), t.key("from-missing"), {}), "NotFound", "copy of a missing key");
      expect(await t.adapter.stat(t.key("from-missing"))).toBeUndefined();
    },
  },
  {
    id: "move",
    title: "move renames: the old key is gone, the new one has the content (and mtime)",
    async run(t) {
      const move = t.adapter.move?.bind(t.adapter);
      if (!move) return t.skip("the adapter has no move()");
      const from = t.key("before.txt");
      await t.put(from, "move me", { mtime: WHEN });
      const to = t.key("moved/after.txt");
      await move(from, to);
      expect(await t.adapter.stat(from)).toBeUndefined();
      expect((await readBody(await t.adapter.read(to))).toString()).toBe("move me");
      expectMtimeNear(t, (await t.adapter.stat(to))?.mtime, "mtime after move");
      // moving onto an existing key replaces it
      await t.put(from, "again");
      await move(from, to);
      expect((await readBody(await t.adapter.read(to))).toString()).toBe("again");
      expect((await t.list()).map((e) => e.key)).toEqual([to]);
      await expectFerryError(move(t.key("missing"), t.key("nowhere")), "NotFound", "move of a missing key");
    },
  },
  {
    id: "set-mtime",
    title: "setMtime changes the mtime and not the content",
    async run(t) {
      const setMtime = t.adapter.setMtime?.bind(t.adapter);
      if (!setMtime) return t.skip("the adapter has no setMtime()");
      const key = t.key("touch.txt");
      await t.put(key, "touch");
      await setMtime(key, WHEN);
      expectMtimeNear(t, (await t.adapter.stat(key))?.mtime, "mtime after setMtime");
      expect((await readBody(await t.adapter.read(key))).toString()).toBe("touch");
      await expectFerryError(setMtime(t.key("missing"), WHEN), "NotFound", "setMtime of a missing key");
    },
  },
];
