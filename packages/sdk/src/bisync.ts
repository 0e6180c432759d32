import { type Side, adapterDetails, checkBisyncGuards, emptyBisyncCounts, emptyStats, planBisync, runPlan } from "@ferry/core";
import type { BisyncOptions, BisyncResult } from "./bisync-options.js";
import { prepareBisync } from "./bisync-prepare.js";
import { bisyncCollector } from "./bisync-result.js";
import { fileSpool } from "./file-spool.js";
import type { Location } from "./options.js";
import { acquirePairLock } from "./state/pair-lock.js";
import { STATE_FORMAT, STATE_VERSION } from "./state/state-codec.js";
import { StateWriter, loadState } from "./state/state-file.js";

export type { BisyncOptions, BisyncResult, BisyncRename } from "./bisync-options.js";

/**
 * Two-way sync with saved state (SPEC §9): changes on either side since the last successful
 * run go to the other side, deletions propagate, conflicts are resolved without losing a
 * version, renames become moves. One run per pair at a time (a lock); the state is replaced
 * only after a fully successful run, so a failed or interrupted run is simply redone.
 * Per-key failures are in `errors`; run-level problems throw FerryError.
 */
export async function bisync(a: Location, b: Location, options: BisyncOptions = {}): Promise<BisyncResult> {
  const run = await prepareBisync(a, b, options);
  try {
    const lock = await acquirePairLock(run.files.lock, { roots: run.roots });
    try {
      const saved = options.resync ? undefined : await loadState(run.files.state, run.roots);
      const writer = options.dryRun
        ? undefined
        : await StateWriter.create(run.files.state, {
            format: STATE_FORMAT,
            version: STATE_VERSION,
            roots: run.roots,
            filter: run.filterId,
            written: new Date().toISOString(),
          });
      try {
        const collector = bisyncCollector({
          ...(options.collectKeys !== undefined ? { collectKeys: options.collectKeys } : {}),
          dryRun: !!options.dryRun,
          ...(options.onEvent ? { onEvent: options.onEvent } : {}),
          ...(options.onProgress ? { onProgress: options.onProgress } : {}),
        });
        const emit = collector.onEvent;
        const stats = emptyStats();
        const counts = emptyBisyncCounts();
        const { adapters } = run;
        const plan = planBisync({
          adapters,
          listings: { src: run.list("src"), dst: run.list("dst") },
          ...(saved ? { state: saved.records() } : {}),
          mode: run.mode,
          initial: run.initial,
          initialChosen: options.initial !== undefined,
          conflict: run.conflict,
          comparator: run.comparisons.comparator,
          detectors: run.comparisons.detectors,
          details: adapterDetails(adapters, options.signal),
          filter: run.filter,
          checkers: run.checkers,
          modifyWindow: run.comparisons.modifyWindow,
          now: Date.now(),
          keyExists: async (side: Side, key: string) => (await adapters[side].stat(key, { ...(options.signal ? { signal: options.signal } : {}) })) !== undefined,
          ...(writer ? { nextState: writer } : {}),
          stats,
          counts,
          onConflict: (conflict) => emit({ type: "conflict", conflict }),
          warn: (message, key) => emit({ type: "warning", ...(key !== undefined ? { key } : {}), message }),
        });
        const summary = await runPlan(plan, {
          ...run.runOptions,
          adapters,
          stats,
          emit,
          spool: fileSpool(),
          checkGuards: () =>
            checkBisyncGuards(counts, {
              ...(run.maxDelete ? { maxDelete: run.maxDelete } : {}),
              ...(options.force ? { force: true } : {}),
              names: { src: `A (${adapters.src.root})`, dst: `B (${adapters.dst.root})` },
            }),
          ...(options.confirm ? { confirm: options.confirm } : {}),
        });
        let stateSaved = false;
        if (writer) {
          if (summary.outcome === "success") {
            try {
              await writer.commit();
              stateSaved = true;
            } catch (e) {
              // the changes are made and safe; without the new state the next run compares
              // against the old one and finds both sides already agree
              await writer.discard().catch(() => undefined);
              emit({ type: "warning", message: `the run succeeded but its state could not be saved (${(e as Error).message}); the next run will compare again` });
            }
          } else {
            await writer.discard();
          }
        }
        return collector.result(summary, { firstRun: !saved, stateSaved, statePath: run.files.state });
      } catch (e) {
        await writer?.discard();
        throw e;
      }
    } finally {
      await lock.release();
    }
  } finally {
    await run.close();
  }
}
