import { runPlan } from "@ferry/core";
import { resultCollector } from "./collect.js";
import { fileSpool } from "./file-spool.js";
import type { Location, SyncOptions, SyncResult } from "./options.js";
import { type RunKind, prepareRun } from "./prepare.js";
import { transferRunnerFor } from "./queue.js";

/** Options the SDK adds for front ends: a confirmation step before destructive plans. */
export interface InteractiveOptions {
  confirm?: (plan: { toTransfer: number; toTransferBytes: number; toDelete: number; toMove: number }) => Promise<boolean>;
}

/**
 * One-way sync (SPEC §3): makes DST like SRC. Without `delete` (or a deleting mode) it never
 * deletes. Per-key failures are in `errors`; run-level problems (bad options, unreachable
 * locations) throw FerryError.
 */
export function sync(src: Location, dst: Location, options: SyncOptions & InteractiveOptions = {}): Promise<SyncResult> {
  return runSync(src, dst, options, "sync");
}

/** sync that never deletes; refuses `delete`. */
export function copy(src: Location, dst: Location, options: SyncOptions & InteractiveOptions = {}): Promise<SyncResult> {
  return runSync(src, dst, options, "copy");
}

/** Copies, then deletes each source key once its copy is done (and verified with `verify`). */
export function move(src: Location, dst: Location, options: SyncOptions & InteractiveOptions = {}): Promise<SyncResult> {
  return runSync(src, dst, options, "move");
}

async function runSync(src: Location, dst: Location, options: SyncOptions & InteractiveOptions, kind: RunKind): Promise<SyncResult> {
  const run = await prepareRun(src, dst, options, kind);
  try {
    const collector = resultCollector({
      ...(options.collectKeys !== undefined ? { collectKeys: options.collectKeys } : {}),
      dryRun: !!options.dryRun,
      deletes: run.rules.deletes || kind === "move",
      ...(options.onEvent ? { onEvent: options.onEvent } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
    const runner = await transferRunnerFor(options, run);
    try {
      const summary = await runPlan(run.plan(), {
        ...run.runOptions,
        adapters: run.adapters,
        stats: run.stats,
        emit: collector.onEvent,
        spool: fileSpool(),
        ...(runner ? { runner: runner.runner } : {}),
        ...(options.confirm ? { confirm: options.confirm } : {}),
      });
      return collector.result(summary);
    } finally {
      await runner?.close();
    }
  } finally {
    await run.close();
  }
}
