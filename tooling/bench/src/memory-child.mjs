// Child process of the memory benchmark: a dry-run plan (sync --delete) of N synthetic keys,
// memory→memory, through the SDK's plan(). The parent measures this process's peak RSS.
//
//   node memory-child.mjs <keys>      (keys = 0 loads the SDK and exits: the baseline)
//
// Prints one JSON line: the plan's counts, what they should be, and the time taken.
import { plan } from "@ferry/sdk";
import { SyntheticAdapter, expectedPlan } from "./synthetic-adapter.mjs";

const keys = Number(process.argv[2] ?? "1000000");
if (!Number.isInteger(keys) || keys < 0) {
  console.error(`usage: memory-child.mjs <keys>`);
  process.exit(2);
}

const started = performance.now();
const counts = { plan: 0, skip: 0, transferPlanned: 0, deletePlanned: 0, error: 0 };
if (keys > 0) {
  const result = await plan(new SyntheticAdapter({ side: "src", keys }), new SyntheticAdapter({ side: "dst", keys }), {
    delete: true,
    collectKeys: false,
    // a counting sink: nothing is kept per key
    onEvent: (event) => {
      if (event.type === "plan") {
        counts.plan++;
        if (event.action.type === "transfer") counts.transferPlanned++;
        else if (event.action.type === "delete") counts.deletePlanned++;
      } else if (event.type === "skip") counts.skip++;
      else if (event.type === "error") counts.error++;
    },
  });
  counts.outcome = result.stats.outcome;
  counts.stats = {
    foundSrc: result.stats.foundSrc,
    foundDst: result.stats.foundDst,
    toTransfer: result.stats.toTransfer,
    toDelete: result.stats.toDelete,
    skipped: result.stats.skipped,
  };
  counts.keptKeys = result.uploaded.length + result.skipped.length + (result.deleted?.length ?? 0);
}
const expected = expectedPlan(keys);
const ok =
  keys === 0 ||
  (counts.error === 0 &&
    counts.transferPlanned === expected.transfers &&
    counts.deletePlanned === expected.deletes &&
    counts.skip === expected.skips &&
    counts.keptKeys === 0);
process.stdout.write(
  `${JSON.stringify({ keys, ok, counts, expected, elapsedMs: Math.round(performance.now() - started), heapUsed: process.memoryUsage().heapUsed })}\n`,
);
process.exit(ok ? 0 : 1);
