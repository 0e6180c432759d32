/**
 * What the CLI end-to-end tests of the object-store adapters (S3, Azure) share: running the BUILT
 * `ferry` binary with a clean environment, reading its --json events, tracing its HTTP requests,
 * and the odd-named test tree with its comparisons. Imported by relative path from each
 * adapter's test/e2e-cli.test.ts, like tooling/vitest.preset.js from their vitest configs.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";

export const BIN = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "apps", "cli", "dist", "bin.js");

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface TracedRequest {
  method: string;
  path: string;
  copySource: string | null;
}

/**
 * Records every HTTP request the child makes (method, path, copy source) through
 * diagnostics_channel, so a test can tell a server-side copy or a multipart upload from the
 * outside without any hook in ferry itself.
 */
const tracer = (copySourceHeader: string) => `
const dc = require("node:diagnostics_channel");
const fs = require("node:fs");
const out = process.env.E2E_HTTP_TRACE;
dc.subscribe("http.client.request.start", ({ request }) => {
  const copy = request.getHeader(${JSON.stringify(copySourceHeader)});
  fs.appendFileSync(out, JSON.stringify({ method: request.method, path: request.path, copySource: copy === undefined ? null : String(copy) }) + "\\n");
});
`;

export interface CliHarnessOptions {
  /** names the scratch directory */
  label: string;
  /** the request header naming a server-side copy's source (x-amz-copy-source, x-ms-copy-source) */
  copySourceHeader: string;
  /** the server's credentials (and settings) for the child, given the scratch directory */
  env: (work: string) => Record<string, string>;
  /** flags a command line needs added (an endpoint, say) */
  extraArgs?: (args: string[]) => string[];
}

export interface CliHarness {
  /** makes the scratch directory (and the tracer preload in it); returns its path */
  setUp(): string;
  ferry(args: string[], options?: { trace?: string; timeoutMs?: number }): Promise<Run>;
  /** A sync that must succeed: exit 0, nothing on stderr in --json mode (no warnings either). */
  syncJson(args: string[], trace?: string): Promise<Run>;
}

export function cliHarness(o: CliHarnessOptions): CliHarness {
  let work = "";

  /** The child's environment: none of the developer's FERRY_/AWS_/AZURE_ settings, only the server's. */
  const childEnv = (extra: Record<string, string>): Record<string, string> => {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) {
      if (v === undefined || k.startsWith("FERRY_") || k.startsWith("AWS_") || k.startsWith("AZURE_") || k === "NODE_OPTIONS") continue;
      env[k] = v;
    }
    return { ...env, CI: "true", XDG_CONFIG_HOME: join(work, "no-config"), ...o.env(work), ...extra };
  };

  const ferry: CliHarness["ferry"] = (args, options = {}) => {
    const nodeArgs = options.trace ? ["--require", join(work, "http-trace.cjs")] : [];
    const env = childEnv(options.trace ? { E2E_HTTP_TRACE: options.trace } : {});
    const argv = o.extraArgs ? o.extraArgs(args) : args;
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [...nodeArgs, BIN, ...argv], { cwd: work, env, stdio: ["ignore", "pipe", "pipe"] });
      let stdout = "";
      let stderr = "";
      child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
      child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
      const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 45_000);
      child.on("error", reject);
      child.on("close", (code) => {
        clearTimeout(timer);
        resolve({ code, stdout, stderr });
      });
    });
  };

  return {
    setUp() {
      work = mkdtempSync(join(tmpdir(), `ferry-${o.label}-e2e-`));
      writeFileSync(join(work, "http-trace.cjs"), tracer(o.copySourceHeader));
      return work;
    },
    ferry,
    async syncJson(args, trace) {
      const r = await ferry(["sync", ...args, "--json", "--no-progress"], trace ? { trace } : {});
      expect(r.code, r.stderr + r.stdout.slice(-2000)).toBe(0);
      expect(r.stderr).toBe("");
      return r;
    },
  };
}

export const lines = (text: string) => text.split("\n").filter((l) => l !== "");
export const events = (r: Run) => lines(r.stdout).map((l) => JSON.parse(l) as Record<string, unknown>);
export const ofType = (r: Run, type: string) => events(r).filter((e) => e.type === type);
export function summary(r: Run): Record<string, unknown> {
  const last = events(r).at(-1);
  expect(last?.type, r.stdout + r.stderr).toBe("summary");
  return last!;
}
export function traced(file: string): TracedRequest[] {
  return existsSync(file) ? lines(readFileSync(file, "utf8")).map((l) => JSON.parse(l) as TracedRequest) : [];
}

// ---------------------------------------------------------------------------------------------
// the tree

export const MiB = 1024 * 1024;
export const BIG = "big/twenty mib.bin";
/** keys → sizes (the big one is random bytes; the rest short text or empty) */
export const TREE: Record<string, number> = {
  "plain.txt": 12,
  "with space.txt": 40,
  "plus+sign.txt": 7,
  "hash#tag.txt": 9,
  "100% sure.txt": 3,
  "ünïcödé/日本語 ファイル.txt": 30,
  "emoji 🚀/rocket.txt": 5,
  "nested/a/b/c/leaf.txt": 21,
  "nested/a/sibling.md": 17,
  "empty.txt": 0,
  [BIG]: 20 * MiB + 12345,
};
export const KEYS = Object.keys(TREE).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));

/** Writes the tree with distinct past mtimes that have millisecond (and finer) fractions. */
export function writeTree(root: string, tree: Record<string, number>): void {
  let i = 0;
  for (const [key, size] of Object.entries(tree)) {
    const path = join(root, key);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, size > 1024 ? randomBytes(size) : Buffer.from(`${key}:`.repeat(size)).subarray(0, size));
    const mtime = 1_600_000_000.123 + i++ * 86_400.457;
    utimesSync(path, mtime, mtime);
  }
}

export function files(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else out.push(relative(root, path).split("\\").join("/"));
    }
  };
  walk(root);
  return out.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
}

/** Same keys, same bytes, mtimes within 1 ms. */
export function expectSameTree(actual: string, expected: string): void {
  expect(files(actual)).toEqual(files(expected));
  for (const key of files(expected)) {
    const a = readFileSync(join(actual, key));
    const e = readFileSync(join(expected, key));
    expect(a.equals(e), `${key}: content differs`).toBe(true);
    expect(Math.abs(statSync(join(actual, key)).mtimeMs - statSync(join(expected, key)).mtimeMs), `${key}: mtime`).toBeLessThanOrEqual(1);
  }
}
