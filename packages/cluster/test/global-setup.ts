import { execFileSync } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const pkgDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

function newestSource(dir: string): number {
  let newest = 0;
  for (const d of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, d.name);
    if (d.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (d.name.endsWith(".ts") && !d.name.endsWith(".test.ts")) newest = Math.max(newest, fs.statSync(p).mtimeMs);
  }
  return newest;
}

/**
 * The tests spawn real worker processes from dist/worker-bin.js; a dist older than src/ would
 * test yesterday's worker. (Dependencies' dist/ comes from `pnpm --filter @ferry/cluster... build`.)
 */
export default function setup(): void {
  const bin = path.join(pkgDir, "dist", "worker-bin.js");
  if (fs.existsSync(bin) && fs.statSync(bin).mtimeMs >= newestSource(path.join(pkgDir, "src"))) return;
  const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
  execFileSync(process.execPath, [tsc, "-p", "tsconfig.build.json"], { cwd: pkgDir, stdio: "inherit" });
}
