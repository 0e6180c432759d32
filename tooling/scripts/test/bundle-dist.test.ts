// bundle-dist.mjs on small packages laid out as tsc leaves them, with the real esbuild.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const SCRIPT = path.resolve(import.meta.dirname, "../bundle-dist.mjs");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "ferry-bundle-test-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

let n = 0;
/** A package directory holding `files` (paths relative to it). */
function fixture(files: Record<string, string>): string {
  const dir = path.join(tmp, `pkg${++n}`);
  for (const [rel, text] of Object.entries({ "package.json": '{ "type": "module" }', ...files })) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

function bundle(dir: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [SCRIPT, ...args], { cwd: dir, encoding: "utf8" });
  return { status: r.status, stderr: r.stderr };
}

const jsFiles = (dir: string): string[] =>
  fs
    .readdirSync(path.join(dir, "dist"), { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".js"))
    .sort();

// what tsc writes for two entries sharing a module, which imports a package
const TWO_ENTRIES = {
  "node_modules/dep/package.json": '{ "name": "dep", "type": "module", "exports": "./index.js" }',
  "node_modules/dep/index.js": 'export const depValue = "from dep";\n',
  "dist/index.js": 'export { Thing, made } from "./shared/thing.js";\n',
  "dist/other.js": '#!/usr/bin/env node\nexport { Thing } from "./shared/thing.js";\n',
  "dist/shared/thing.js": 'import { depValue } from "dep";\nexport class Thing { dep = depValue; }\nexport let made = 0;\nmade++;\n',
  "dist/shared/thing.d.ts": "export declare class Thing { dep: string }\nexport declare let made: number;\n",
};

describe("bundle-dist", () => {
  it("leaves one file per entry plus shared chunks; the entries share one copy of each module", async () => {
    const dir = fixture(TWO_ENTRIES);
    expect(bundle(dir, "index", "other")).toMatchObject({ status: 0 });
    const files = jsFiles(dir);
    expect(files).toContain("index.js");
    expect(files).toContain("other.js");
    expect(files.filter((f) => !["index.js", "other.js"].includes(f)).every((f) => /^chunk-\w+\.js$/.test(f))).toBe(true);
    // tsc's declarations stay for TypeScript users
    expect(fs.existsSync(path.join(dir, "dist/shared/thing.d.ts"))).toBe(true);

    const a = await import(pathToFileURL(path.join(dir, "dist/index.js")).href);
    const b = await import(pathToFileURL(path.join(dir, "dist/other.js")).href);
    expect(a.Thing).toBe(b.Thing);
    expect(a.made).toBe(1);
    expect(new a.Thing().dep).toBe("from dep");
  });

  it("keeps packages as imports unless told to inline them", () => {
    const kept = fixture(TWO_ENTRIES);
    expect(bundle(kept, "index")).toMatchObject({ status: 0 });
    const keptText = jsFiles(kept).map((f) => fs.readFileSync(path.join(kept, "dist", f), "utf8")).join("\n");
    expect(keptText).toMatch(/from "dep"/);

    const inlined = fixture(TWO_ENTRIES);
    expect(bundle(inlined, "--inline", "dep", "index")).toMatchObject({ status: 0 });
    const inlinedText = jsFiles(inlined).map((f) => fs.readFileSync(path.join(inlined, "dist", f), "utf8")).join("\n");
    expect(inlinedText).not.toMatch(/from "dep"/);
    expect(inlinedText).toContain('"from dep"');
  });

  it("keeps an entry with a #! line executable", () => {
    const dir = fixture(TWO_ENTRIES);
    expect(bundle(dir, "index", "other")).toMatchObject({ status: 0 });
    const bin = path.join(dir, "dist/other.js");
    expect(fs.readFileSync(bin, "utf8").startsWith("#!/usr/bin/env node")).toBe(true);
    expect(fs.statSync(bin).mode & 0o111).not.toBe(0);
  });

  it("refuses a module in a subfolder that finds files relative to import.meta.url, and changes nothing", () => {
    const dir = fixture({
      "dist/index.js": 'export { worker } from "./sub/spawn.js";\n',
      "dist/sub/spawn.js": 'export const worker = new URL("./worker.js", import.meta.url);\n',
    });
    const r = bundle(dir, "index");
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/dist\/sub\/spawn\.js uses import\.meta\.url from a subfolder of dist/);
    expect(jsFiles(dir)).toEqual(["index.js", "sub/spawn.js"]);
    expect(fs.readFileSync(path.join(dir, "dist/index.js"), "utf8")).toBe('export { worker } from "./sub/spawn.js";\n');
  });

  it("allows createRequire(import.meta.url) in a subfolder: package lookups resolve the same from dist/", () => {
    const dir = fixture({
      "dist/index.js": 'export { load } from "./sub/lazy.js";\n',
      "dist/sub/lazy.js": 'import { createRequire } from "node:module";\nexport const load = () => createRequire(import.meta.url)("node:path");\n',
    });
    expect(bundle(dir, "index")).toMatchObject({ status: 0 });
    expect(jsFiles(dir)).toEqual(["index.js"]);
  });

  it("refuses to inline a @ferry package (a second copy would split its classes)", () => {
    const dir = fixture(TWO_ENTRIES);
    const r = bundle(dir, "--inline", "@ferry/core", "index");
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/@ferry\/core cannot be inlined/);
  });

  it("names a missing entry instead of bundling half a package", () => {
    const dir = fixture(TWO_ENTRIES);
    const r = bundle(dir, "index", "nope");
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/dist\/nope\.js does not exist/);
    expect(jsFiles(dir)).toContain("shared/thing.js");
  });
});
