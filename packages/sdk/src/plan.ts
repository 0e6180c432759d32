import {
  type Action,
  type Adapter,
  type Entry,
  type PlannedAction,
  type Side,
  emptyStats,
  orderedWindow,
  parsePercentOrCount,
  runPlan,
} from "@ferry/core";
import { resultCollector } from "./collect.js";
import { fileSpool } from "./file-spool.js";
import { openLocation, redactUrl } from "./locations.js";
import type { LocationSettings, Location, RunSettings, SyncOptions, SyncResult, TransferSettings } from "./options.js";
import { type PlanHeader, PlanWriter, type SavedPlan, openPlanFile } from "./plan-file.js";
import { prepareRun } from "./prepare.js";
import * as v from "./settings.js";

export type { SavedPlan } from "./plan-file.js";

export type PlanOptions = SyncOptions & {
  /** write the plan to this file for `apply` */
  out?: string;
};

export interface PlanResult extends SyncResult {
  planFile?: string;
}

const describe = (loc: Location) => (typeof loc === "string" ? redactUrl(loc) : loc.root);

/** The plan a sync would carry out, without changing anything (a dry run), optionally saved. */
export async function plan(src: Location, dst: Location, options: PlanOptions = {}): Promise<PlanResult> {
  const run = await prepareRun(src, dst, { ...options, dryRun: true }, options.deleteSource ? "move" : "sync");
  let writer: PlanWriter | undefined;
  try {
    if (options.out) {
      const header: PlanHeader = {
        ferryPlan: 1,
        createdAt: new Date().toISOString(),
        src: describe(src),
        dst: describe(dst),
        mode: run.mode,
        settings: {
          ...(options.maxDelete !== undefined ? { maxDelete: options.maxDelete } : {}),
          ...(options.deleteTiming ? { deleteTiming: options.deleteTiming } : {}),
          ...(options.verify ? { verify: true } : {}),
          ...(options.attributes ? { attributes: options.attributes } : {}),
          ...(options.deleteSource ? { deleteSourceAfterTransfer: true } : {}),
        },
      };
      writer = new PlanWriter(options.out, header);
    }
    const collector = resultCollector({
      ...(options.collectKeys !== undefined ? { collectKeys: options.collectKeys } : {}),
      dryRun: true,
      deletes: run.rules.deletes,
      onEvent: (event) => {
        if (event.type === "plan") writer?.add(event.action);
        options.onEvent?.(event);
      },
    });
    const summary = await runPlan(run.plan(), { ...run.runOptions, dryRun: true, adapters: run.adapters, stats: run.stats, emit: collector.onEvent });
    writer?.close();
    writer = undefined;
    return { ...collector.result(summary), ...(options.out ? { planFile: options.out } : {}) };
  } finally {
    writer?.abort();
    await run.close();
  }
}

export type ExecuteOptions = RunSettings & TransferSettings & LocationSettings & { force?: boolean; src?: Location; dst?: Location };

/**
 * Carries out exactly a saved plan. An action whose source or destination changed since the
 * plan was made is skipped and reported, never guessed at.
 */
export async function execute(saved: string | SavedPlan, options: ExecuteOptions = {}): Promise<SyncResult> {
  const { header, actions } =
    typeof saved === "string" ? await openPlanFile(saved) : { header: saved as PlanHeader, actions: toAsync(saved.actions) };
  const settings = {
    ...(options.adapterOptions ? { adapterOptions: options.adapterOptions } : {}),
    ...(options.remotes ? { remotes: options.remotes } : {}),
    ...(options.env ? { env: options.env } : {}),
  };
  const src = await openLocation(options.src ?? header.src, settings);
  const dst = await openLocation(options.dst ?? header.dst, settings);
  const adapters: Record<Side, Adapter> = { src, dst };
  try {
    const stats = emptyStats();
    const collector = resultCollector({
      ...(options.collectKeys !== undefined ? { collectKeys: options.collectKeys } : {}),
      deletes: true,
      ...(options.onEvent ? { onEvent: options.onEvent } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
    const checked = orderedWindow(actions, (a) => stillValid(a, adapters, options.signal), v.positiveInt("checkers", options.checkers, 16));
    const maxDelete = header.settings.maxDelete;
    const summary = await runPlan(checked, {
      adapters,
      stats,
      emit: collector.onEvent,
      spool: fileSpool(),
      transfers: v.positiveInt("transfers", options.transfers ?? options.concurrency, 16),
      retry: { retries: v.nonNegativeInt("retries", options.retries) ?? 5 },
      ...(options.stopOnError ? { stopOnError: true } : {}),
      ...(options.maxFailures !== undefined ? { maxFailures: options.maxFailures } : {}),
      ...(options.verify || header.settings.verify ? { verify: true } : {}),
      ...(maxDelete !== undefined ? { maxDelete: typeof maxDelete === "number" ? { kind: "count" as const, value: maxDelete } : parsePercentOrCount(maxDelete) } : {}),
      // the plan was guarded when it was made against the numbers it saw then; apply guards
      // only against the plan's own deletes (an empty source then is the plan's business)
      force: true,
      ...(header.settings.deleteTiming ? { deleteTiming: header.settings.deleteTiming } : {}),
      ...(header.settings.attributes ? { attributes: header.settings.attributes } : {}),
      ...(header.settings.deleteSourceAfterTransfer ? { deleteSourceAfterTransfer: true } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    return collector.result(summary);
  } finally {
    await Promise.allSettled([
      typeof (options.src ?? header.src) === "string" ? src.close?.() : undefined,
      typeof (options.dst ?? header.dst) === "string" ? dst.close?.() : undefined,
    ]);
  }
}

async function* toAsync<T>(items: T[]): AsyncGenerator<T> {
  yield* items;
}

function sameEntry(planned: Entry, now: Entry | undefined): boolean {
  if (!now) return false;
  if (planned.size !== now.size) return false;
  if (planned.etag && now.etag && planned.etag !== now.etag) return false;
  if (planned.mtime !== undefined && now.mtime !== undefined && Math.abs(planned.mtime - now.mtime) > 1) return false;
  return true;
}

async function stillValid(action: PlannedAction, adapters: Record<Side, Adapter>, signal?: AbortSignal): Promise<Action> {
  const stale = (detail: string): Action => ({ type: "skip", key: "key" in action ? action.key : action.fromKey, reason: "changed-since-plan", detail });
  const opts = signal ? { signal } : {};
  switch (action.type) {
    case "transfer": {
      const [source, target] = await Promise.all([
        adapters[action.from].stat(action.key, opts),
        adapters[action.to].stat(action.targetKey, opts),
      ]);
      if (!sameEntry(action.source, source)) return stale(`the ${action.from} copy changed since planning`);
      if (action.target ? !sameEntry(action.target, target) : target !== undefined)
        return stale(`the ${action.to} copy changed since planning`);
      return action;
    }
    case "delete": {
      const now = await adapters[action.side].stat(action.key, opts);
      if (!sameEntry(action.entry, now)) return stale(`the ${action.side} copy changed since planning`);
      return action;
    }
    case "move": {
      const [from, to] = await Promise.all([
        adapters[action.side].stat(action.fromKey, opts),
        adapters[action.side].stat(action.toKey, opts),
      ]);
      if (!sameEntry(action.entry, from) || to !== undefined) return stale(`the ${action.side} side changed since planning`);
      return action;
    }
  }
}
