import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
export const BIN = join(here, "..", "dist", "bin.js");
export const HIDE_PACKAGE = join(here, "fixtures", "hide-package.mjs");

/** The end-to-end tests run the built binary; a missing build is a clear failure, not a skip. */
export function assertBuilt(): void {
  if (!existsSync(BIN)) {
    throw new Error(`${BIN} is missing: build the CLI first with \`pnpm --filter @ferry/cli... build\``);
  }
}

export interface FerryRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** An environment without the developer's FERRY_* settings, credentials or terminal. */
export function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined || k.startsWith("FERRY_") || k.startsWith("AWS_") || k.startsWith("AZURE_")) continue;
    env[k] = v;
  }
  return { ...env, CI: "true", XDG_CONFIG_HOME: join(tmpdir(), "ferry-no-config"), ...extra };
}

export function ferry(args: string[], options: { cwd?: string; env?: Record<string, string>; nodeArgs?: string[]; timeoutMs?: number } = {}): FerryRun {
  const r = spawnSync(process.execPath, [...(options.nodeArgs ?? []), BIN, ...args], {
    cwd: options.cwd,
    env: cleanEnv(options.env),
    encoding: "utf8",
    timeout: options.timeoutMs ?? 60_000,
    stdio: ["ignore", "pipe", "pipe"],
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A scratch folder with a small source tree and an empty destination. */
export function scratch(): { dir: string; src: string; dst: string } {
  const dir = mkdtempSync(join(tmpdir(), "ferry-e2e-"));
  const src = join(dir, "src");
  const dst = join(dir, "dst");
  mkdirSync(join(src, "sub", "deep"), { recursive: true });
  mkdirSync(dst);
  writeFileSync(join(src, "a.txt"), "alpha\n");
  writeFileSync(join(src, "b.log"), "bravo log\n");
  writeFileSync(join(src, "sub", "c.txt"), "charlie\n");
  writeFileSync(join(src, "sub", "deep", "d e.txt"), "delta with space\n");
  writeFileSync(join(src, "empty.txt"), "");
  return { dir, src, dst };
}

/** Every file under `root` with its content, to prove a run wrote nothing. */
export function treeSnapshot(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      const st = statSync(path);
      if (st.isDirectory()) {
        out[`${relative(root, path)}/`] = "";
        walk(path);
      } else out[relative(root, path)] = readFileSync(path, "utf8");
    }
  };
  walk(root);
  return out;
}
