import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";

/**
 * What the CLI end-to-end tests of the remote file-system adapters (SFTP, WebDAV) share: the
 * odd-named test tree, snapshots of a local folder, and running the BUILT `ferry` binary with a
 * clean environment. Imported by relative path from their test files. Each test file gets its
 * own module instance (vitest isolates files), so `work` is a scratch dir per file.
 */

export const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../apps/cli/dist/bin.js");
export const work = fs.mkdtempSync(path.join(os.tmpdir(), "ferry-e2e-"));

export const BIG = randomBytes(10 * 1024 * 1024);
export const TREE: Record<string, Buffer | string> = {
  "a.txt": "alpha\n",
  "empty.txt": "",
  "with space.txt": "space\n",
  "plus+sign.txt": "plus\n",
  "hash#tag.txt": "hash\n",
  "100% sure.txt": "percent\n",
  "emoji 🚀.txt": "above U+FFFF sorts after ｆ in UTF-8 order\n",
  "ｆullwidth.txt": "fullwidth\n",
  "ünïcödé/日本語 ファイル.txt": "unicode\n",
  "dir with space/+plus#hash/leaf.txt": "leaf\n",
  "nested/a/b/c/deep.txt": "deep\n",
  "nested/a/sibling.txt": "sibling\n",
  "big.bin": BIG,
};
export const KEYS = Object.keys(TREE).sort();
export const TOTAL_BYTES = Object.values(TREE).reduce((n, v) => n + Buffer.byteLength(v), 0);
export const BASE_MTIME = 1_600_000_000.25; // 2020-09-13, with a quarter second

export function writeTree(root: string, tree: Record<string, Buffer | string>, mtimeBase = BASE_MTIME): void {
  Object.entries(tree).forEach(([key, body], i) => {
    const file = path.join(root, key);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, body);
    fs.utimesSync(file, mtimeBase + i * 37, mtimeBase + i * 37);
  });
}

export interface FileState {
  size: number;
  sha256: string;
  mtimeMs: number;
}

/** Every file under `root` by POSIX key (directories are implied, as in ferry). */
export function snapshot(root: string): Map<string, FileState> {
  const out = new Map<string, FileState>();
  const walk = (dir: string, prefix: string) => {
    for (const d of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, d.name);
      if (d.isDirectory()) walk(full, `${prefix}${d.name}/`);
      else {
        const st = fs.statSync(full);
        out.set(`${prefix}${d.name}`, { size: st.size, sha256: createHash("sha256").update(fs.readFileSync(full)).digest("hex"), mtimeMs: st.mtimeMs });
      }
    }
  };
  walk(root, "");
  return out;
}

export function expectSameBytes(actual: Map<string, FileState>, expected: Map<string, FileState>, what: string): void {
  expect([...actual.keys()].sort(), `${what}: keys`).toEqual([...expected.keys()].sort());
  for (const [key, e] of expected) expect(actual.get(key)?.sha256, `${what}: ${key}`).toBe(e.sha256);
}

// --- the binary
export interface FerryRun {
  args: string[];
  code: number | null;
  stdout: string;
  stderr: string;
  events: Array<Record<string, unknown> & { type: string }>;
}

export function cleanEnv(extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined || /^(FERRY_|AWS_|AZURE_|RCLONE_)/.test(k) || k === "SSH_AUTH_SOCK") continue;
    env[k] = v;
  }
  return { ...env, CI: "true", XDG_CONFIG_HOME: path.join(work, "no-config"), XDG_STATE_HOME: path.join(work, "state"), ...extra };
}

export function ferry(args: string[], env: Record<string, string> = {}): Promise<FerryRun> {
  // a missing build fails each test that needs it, with the fix
  if (!fs.existsSync(BIN)) throw new Error(`${BIN} is missing: build the CLI first (pnpm exec turbo run build)`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: work, env: cleanEnv(env), stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), 45_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      const events = stdout.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as FerryRun["events"][number]);
      resolve({ args, code, stdout, stderr, events });
    });
  });
}

export function show(r: FerryRun): string {
  return `ferry ${r.args.map((a) => (/^[\w./:=@%-]+$/.test(a) ? a : JSON.stringify(a))).join(" ")}\nexit ${r.code}\nstderr: ${r.stderr}\nstdout: ${r.stdout.slice(-3000)}`;
}

export function summary(r: FerryRun): Record<string, unknown> {
  const s = r.events.filter((e) => e.type === "summary").at(-1);
  if (!s) throw new Error(`no summary event\n${show(r)}`);
  return s;
}

/** A successful --json run: exit 0, no failures, nothing odd on stderr (Node warnings included). */
export async function ok(args: string[], env?: Record<string, string>): Promise<Record<string, unknown>> {
  const r = await ferry([...args, "--json"], env);
  expect(r.code, show(r)).toBe(0);
  expect(r.stderr, show(r)).toBe("");
  const s = summary(r);
  expect(s, show(r)).toMatchObject({ failed: 0, outcome: "success" });
  return s;
}
