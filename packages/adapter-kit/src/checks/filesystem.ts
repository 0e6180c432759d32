import { expect } from "vitest";
import { bodyOf } from "../bodies.js";
import type { ConformanceCheck } from "../check.js";
import { expectByteOrder } from "../ordering.js";

export const filesystemChecks: ConformanceCheck[] = [
  {
    id: "symlinks",
    title: "symlinks are written with symlinkTarget and listed as type symlink with target",
    async run(t) {
      if (!t.adapter.capabilities.symlinks) t.skip("capabilities.symlinks is false");
      const target = t.key("target.txt");
      const link = t.key("link");
      await t.put(target, "pointed at");
      await t.adapter.write(link, bodyOf(""), { symlinkTarget: "target.txt" });
      const listed = await t.list();
      const entry = listed.find((e) => e.key === link);
      expect(entry?.type).toBe("symlink");
      expect(entry?.target).toBe("target.txt");
      const stat = await t.adapter.stat(link);
      expect(stat?.type).toBe("symlink");
      expect(stat?.target).toBe("target.txt");
      await t.adapter.delete([link]);
      expect(await t.adapter.stat(link)).toBeUndefined();
      expect(await t.adapter.stat(target)).toBeDefined();
    },
  },
  {
    id: "empty-directories",
    title: "mkdir makes an empty directory that list({dirs:true}) yields as type dir",
    async run(t) {
      if (!t.adapter.capabilities.emptyDirectories) t.skip("capabilities.emptyDirectories is false");
      const mkdir = t.adapter.mkdir?.bind(t.adapter);
      expect(mkdir, "emptyDirectories is declared, so mkdir() must exist").toBeTypeOf("function");
      await mkdir!(t.key("empty/sub"));
      await mkdir!(t.key("empty-2"));
      await t.put(t.key("empty.txt"), "x");
      const withDirs = await t.list(t.prefix, { dirs: true });
      expectByteOrder(withDirs);
      const dirs = withDirs.filter((e) => e.type === "dir").map((e) => e.key);
      expect(dirs).toContain(t.key("empty/sub"));
      expect(dirs).toContain(t.key("empty-2"));
      const withoutDirs = await t.list();
      expect(withoutDirs.filter((e) => e.type === "dir")).toEqual([]);
      const outcomes = await t.adapter.delete([t.key("empty/sub"), t.key("empty-2")]);
      for (const o of outcomes) expect(o.error, `delete of directory ${o.key}`).toBeUndefined();
      const after = (await t.list(t.prefix, { dirs: true })).filter((e) => e.type === "dir").map((e) => e.key);
      expect(after).not.toContain(t.key("empty/sub"));
      expect(after).not.toContain(t.key("empty-2"));
    },
  },
];
