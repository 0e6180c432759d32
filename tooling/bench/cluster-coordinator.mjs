// One ferry run in a process of its own, so its peak memory is the coordinator's alone:
//
//   node [--expose-gc] cluster-coordinator.mjs SRC DST [--queue URL] [--min-workers N] [--bwlimit 4M] [--batch-keys N]
//
// Prints one JSON line: { elapsedMs, maxRssBytes, peakHeapBytes, peakLiveHeapBytes?, stats }.
// With --expose-gc it also collects garbage every 2 s and records the heap left: the live set. Credentials come from this process's
// environment, as for any ferry run. Exit 0 on success, 1 when keys failed, 2 on a run-level error.
import { parseArgs } from "node:util";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    queue: { type: "string" },
    "min-workers": { type: "string" },
    bwlimit: { type: "string" },
    "batch-keys": { type: "string" },
  },
});
if (positionals.length !== 2) {
  console.error("usage: cluster-coordinator.mjs SRC DST [--queue URL] [--min-workers N] [--bwlimit 4M] [--batch-keys N]");
  process.exit(2);
}
const [src, dst] = positionals;
const { sync } = await import("@ferry/sdk");

// peak of the JS heap in use, sampled: RSS also holds garbage V8 has not collected yet
let peakHeapBytes = 0;
const sampler = setInterval(() => {
  peakHeapBytes = Math.max(peakHeapBytes, process.memoryUsage().heapUsed);
}, 100);
sampler.unref();
let peakLiveHeapBytes;
if (typeof globalThis.gc === "function") {
  peakLiveHeapBytes = 0;
  const collector = setInterval(() => {
    globalThis.gc();
    peakLiveHeapBytes = Math.max(peakLiveHeapBytes, process.memoryUsage().heapUsed);
  }, 2_000);
  collector.unref();
}

const started = performance.now();
try {
  const result = await sync(src, dst, {
    // the CLI's setting: no per-key lists in memory
    collectKeys: false,
    ...(values.queue ? { queue: values.queue } : {}),
    ...(values["min-workers"] ? { minWorkers: Number(values["min-workers"]) } : {}),
    ...(values.bwlimit ? { bwlimit: values.bwlimit } : {}),
    ...(values["batch-keys"] ? { batchKeys: Number(values["batch-keys"]) } : {}),
  });
  const elapsedMs = performance.now() - started;
  // ru_maxrss is in KiB on Linux
  const maxRssBytes = process.resourceUsage().maxRSS * 1024;
  process.stdout.write(`${JSON.stringify({ elapsedMs, maxRssBytes, peakHeapBytes, peakLiveHeapBytes, stats: result.stats, firstError: result.errors?.[0]?.error?.message })}\n`);
  process.exit(result.stats.failed > 0 ? 1 : 0);
} catch (e) {
  console.error(`run failed: ${e?.message ?? e}`);
  process.exit(2);
}
