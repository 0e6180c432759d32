// The memory benchmark: a dry-run plan of N keys memory→memory (synthetic adapters that
// generate their listings, see synthetic-adapter.mjs), one child process per N, peak RSS of
// that process measured by GNU time. N = 0 is the baseline: node with the SDK loaded.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { measure } from "./measure.mjs";
import { median } from "./report.mjs";

const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), "memory-child.mjs");

export const DEFAULT_KEYS = [0, 100_000, 1_000_000];

export async function runMemory({ keys = DEFAULT_KEYS, repeat = 1, log }) {
  const runs = [];
  for (const n of keys) {
    const samples = [];
    for (let rep = 0; rep < repeat; rep++) {
      const r = await measure(process.execPath, [CHILD, String(n)], { timeoutMs: 30 * 60 * 1000 });
      let result;
      try {
        result = JSON.parse(r.stdout.trim().split("\n").pop());
      } catch {
        result = undefined;
      }
      const error = !r.ok
        ? `exit ${r.code ?? r.signal}: ${(r.stderr || r.stdout).trim().split("\n").slice(-2).join(" | ")}`.slice(0, 400)
        : !result?.ok
          ? "plan counts differ from the expected ones"
          : undefined;
      samples.push({ wall: r.wall, rssMB: r.rssMB, result, ...(error ? { error } : {}) });
      log(`  ${n.toLocaleString("en-US").padStart(9)} keys  ${error ? `FAILED ${error}` : `${r.wall.toFixed(2)} s  ${r.rssMB?.toFixed(1) ?? "?"} MB`}`);
    }
    const bad = samples.find((s) => s.error);
    runs.push({
      keys: n,
      wall: median(samples.map((s) => s.wall)),
      rssMB: median(samples.map((s) => s.rssMB)),
      result: samples[samples.length - 1].result,
      ...(bad ? { error: bad.error } : {}),
      samples,
    });
  }
  return { runs };
}
