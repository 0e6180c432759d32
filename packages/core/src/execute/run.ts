import type { Action, DeleteAction, MoveAction, Side, TransferAction } from "../actions.js";
import type { Adapter } from "../adapter.js";
import { FerryError, toFerryError } from "../errors.js";
import { type EventSink, type Phase, type RunOutcome, type RunStats, type RunSummary } from "../events.js";
import { batchesOf } from "../plan/entry-batches.js";
import { type SettlingPlan, isSettlingPlan } from "../plan/one-way.js";
import { Backup } from "./backup.js";
import { type DeleteResultItem, runDeletes, runMove } from "./deletes.js";
import { type DeleteLimit, checkDeleteGuards } from "./guards.js";
import { DEFAULT_RETRY, type RetryPolicy } from "./retry.js";
import { InProcessRunner, type TransferRunner } from "./runner.js";
import { type Spool, type SpoolFactory, memorySpool } from "./spool.js";
import { TransferQueue } from "./transfer-queue.js";
import { TokenBucket } from "./throttle.js";
import { transferSettingsOf, type TransferContext, type UploadAttributes } from "./transfer.js";

export interface PlanTotals {
  toTransfer: number;
  toTransferBytes: number;
  toDelete: number;
  toMove: number;
}

export interface RunOptions {
  adapters: Record<Side, Adapter>;
  /** counters shared with the planner (found/excluded/invalid are filled while planning) */
  stats: RunStats;
  emit: EventSink;
  dryRun?: boolean;
  /** transfers in flight (default 16) */
  transfers?: number;
  retry?: Partial<RetryPolicy>;
  stopOnError?: boolean;
  maxFailures?: number;
  verify?: boolean;
  /** --max-delete; guards apply whenever the plan deletes */
  maxDelete?: DeleteLimit;
  force?: boolean;
  /**
   * Replaces the one-way delete guards: called once the whole plan is drawn, before anything
   * changes; a returned reason refuses the run (bisync holds each side to its own limit).
   */
  checkGuards?: () => string | undefined;
  /** which side sends (its emptiness refuses deletes) — "src" for one-way runs */
  sendingSide?: Side;
  deleteTiming?: "before" | "during" | "after";
  /** bytes/s and requests/s for the whole run */
  bwlimit?: number;
  tpslimit?: number;
  attributes?: UploadAttributes;
  multipartThreshold?: number;
  multipartChunkSize?: number;
  partConcurrency?: number;
  perms?: boolean;
  backupDir?: Adapter;
  suffix?: string;
  /** `move`: delete each source key once its copy is done (and verified with --verify) */
  deleteSourceAfterTransfer?: boolean;
  signal?: AbortSignal;
  /** asked before a destructive plan runs; false = declined */
  confirm?: (totals: PlanTotals) => Promise<boolean>;
  runner?: TransferRunner;
  spool?: SpoolFactory;
  /** ms between progress events (default 1000) */
  progressIntervalMs?: number;
}

/**
 * Executes a plan in two steps: first the whole plan is drawn from the planner (actions parked
 * in spools, totals counted) so the guards and the confirm prompt see all of it before
 * anything changes; then transfers run on the runner and deletes follow (or precede, or run
 * alongside) as asked. Nothing is ever deleted after a failed transfer unless --delete-during.
 *
 * A plan that settles early (SettlingPlan: the receiving side is fully listed and the rest
 * only adds keys) lets the guards decide at that point; if they let the run go ahead, the
 * transfers start then, while the rest of the plan is drawn (an initial copy starts copying
 * as soon as the destination turns out empty, not after the whole source is listed).
 */
export async function runPlan(plan: AsyncIterable<Action>, options: RunOptions): Promise<RunSummary> {
  const started = Date.now();
  const { stats, emit } = options;
  const spoolFactory = options.spool ?? memorySpool;
  const transfers: Spool<TransferAction> = spoolFactory("transfers");
  const deletes: Spool<DeleteAction> = spoolFactory("deletes");
  const moves: Spool<MoveAction> = spoolFactory("moves");
  // bisync keep-both: a conflict's losing version is renamed aside before any transfer may
  // write over its name
  const asideMoves: Spool<MoveAction> = spoolFactory("aside-moves");
  let phase: Phase = "listing";
  const setPhase = (p: Phase) => {
    phase = p;
    emit({ type: "phase", phase: p });
  };
  const progressTimer = setInterval(() => {
    stats.elapsedMs = Date.now() - started;
    emit({ type: "progress", stats: { ...stats } });
  }, options.progressIntervalMs ?? 1000);
  progressTimer.unref?.();

  let transferStarted = 0;
  let transferEnded = 0;
  const finish = (outcome: RunOutcome, reason?: string): RunSummary => {
    clearInterval(progressTimer);
    stats.elapsedMs = Date.now() - started;
    const seconds = Math.max(0.001, ((transferEnded || Date.now()) - (transferStarted || started)) / 1000);
    const summary: RunSummary = {
      ...stats,
      outcome,
      dryRun: !!options.dryRun,
      throughput: stats.transferredBytes / seconds,
      ...(reason ? { reason } : {}),
    };
    if (phase !== "done") setPhase("done");
    emit({ type: "summary", summary });
    return summary;
  };

  // ── the means of step 2, ready before step 1 in case transfers start while planning ──
  const retry: RetryPolicy = { ...DEFAULT_RETRY, ...options.retry };
  const requests = options.tpslimit ? new TokenBucket(options.tpslimit, Math.max(1, options.tpslimit)) : undefined;
  const backup =
    options.backupDir || options.suffix ? new Backup(options.adapters, options.backupDir, options.suffix) : undefined;
  let stopReason: RunOutcome | undefined;
  // a planner that failed while transfers ran: no new transfer starts, the error is thrown
  let planningFailed = false;
  const stopped = () => stopReason !== undefined || planningFailed || !!options.signal?.aborted;
  const fail = (error: FerryError) => {
    stats.failed++;
    if (options.stopOnError) stopReason ??= "partial";
    if (options.maxFailures !== undefined && stats.failed >= options.maxFailures) stopReason ??= "limit";
    void error;
  };
  const deleteCtx = {
    adapters: options.adapters,
    retry,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(backup ? { backup } : {}),
    ...(requests ? { requests } : {}),
  };

  // Transfers may start before the plan is complete once the planner says that the rest of
  // it only adds keys (SettlingPlan): the guards then see their final numbers and, if they let
  // the run go ahead, can no longer change their mind. Not when something must come first or
  // be confirmed first, nor for `move`, whose source deletes would race its own listing.
  const timing = options.deleteTiming ?? "after";
  let streamable =
    isSettlingPlan(plan) && !options.dryRun && !options.checkGuards && timing !== "before" && !options.deleteSourceAfterTransfer;
  let live: TransferQueue<TransferAction> | undefined;
  let transfersRunning: Promise<void> | undefined;
  /** Ends the live queue and waits for the transfers already running (before any return). */
  const settleLive = async () => {
    live?.end();
    await transfersRunning;
  };

  /** Counts and reports the outcomes of a batch of deletes. */
  const recordDeletes = (results: readonly DeleteResultItem[]) => {
    for (const r of results) {
      if (r.error) {
        fail(r.error);
        emit({ type: "error", action: r.action, op: "delete", side: r.action.side, error: r.error.toJSON() });
      } else {
        stats.deleted++;
        emit({ type: "delete", action: r.action, dryRun: false });
      }
    }
  };
  /** Runs one move, counts and reports it; the error when it failed. */
  const moveOne = async (move: MoveAction): Promise<FerryError | undefined> => {
    const error = await runMove(move, deleteCtx);
    if (error) {
      fail(error);
      emit({ type: "error", action: move, op: "move", side: move.side, error: error.toJSON() });
    } else {
      stats.moved++;
      emit({ type: "move", action: move, dryRun: false });
    }
    return error;
  };

  // keys ("side\0key") whose aside move failed: a transfer onto or out of them would destroy
  // the only copy of a version, so it is not started
  const blocked = new Set<string>();
  const doAsideMoves = async () => {
    if (asideMoves.count === 0) return;
    setPhase("transferring");
    for await (const move of asideMoves.drain()) {
      if (stopped()) break;
      if (await moveOne(move)) blocked.add(`${move.side}\0${move.fromKey}`).add(`${move.side}\0${move.toKey}`);
    }
  };
  const unblocked = async function* (all: AsyncIterable<TransferAction>): AsyncGenerator<TransferAction> {
    for await (const a of all) {
      if (blocked.size === 0 || (!blocked.has(`${a.to}\0${a.targetKey}`) && !blocked.has(`${a.from}\0${a.key}`))) {
        yield a;
        continue;
      }
      const error = new FerryError("Conflict", `not copied: the conflicting version of ${a.targetKey} could not be renamed aside`, { key: a.key });
      fail(error);
      emit({ type: "error", action: a, op: "transfer", side: a.to, error: error.toJSON() });
    }
  };

  /** Runs the spooled transfers, or (`streaming`) the ones the planner is still handing over. */
  const doTransfers = async (source: AsyncIterable<TransferAction> = transfers.drain(), streaming = false) => {
    if (!streaming && transfers.count === 0) return;
    const begin = () => {
      if (phase !== "transferring") setPhase("transferring");
      transferStarted = Date.now();
    };
    // a streaming run is in the transferring phase from its first transfer on (there may be none)
    if (streaming) source = startingWith(source, begin);
    else begin();
    const ctx: TransferContext = {
      adapters: options.adapters,
      retry,
      ...(options.signal ? { signal: options.signal } : {}),
      ...transferSettingsOf(options),
      ...(options.bwlimit ? { bandwidth: new TokenBucket(options.bwlimit, Math.max(options.bwlimit / 4, 64 * 1024)) } : {}),
      ...(requests ? { requests } : {}),
      ...(backup ? { backup } : {}),
      emit,
      onBytes: (n) => {
        stats.bytesDone += n;
      },
    };
    const runner = options.runner ?? new InProcessRunner(options.transfers ?? 16);
    const sourceDeletes: DeleteAction[] = [];
    const flushSourceDeletes = async () => {
      const batch = sourceDeletes.splice(0);
      if (!batch.length) return;
      for await (const results of runDeletes(toAsync(batch), deleteCtx, () => false)) recordDeletes(results);
    };
    for await (const outcome of runner.run(unblocked(source), ctx, { stopped })) {
      if (outcome.ok) {
        stats.transferred++;
        stats.transferredBytes += outcome.bytes;
        emit({ type: "transfer", action: outcome.action, op: outcome.op, bytes: outcome.bytes, elapsedMs: outcome.elapsedMs, dryRun: false });
        if (options.deleteSourceAfterTransfer) {
          const a = outcome.action;
          sourceDeletes.push({ type: "delete", key: a.key, side: a.from, entry: a.source, reason: "moved" });
          if (sourceDeletes.length >= 500) await flushSourceDeletes();
        }
      } else {
        const error = outcome.error ?? new FerryError("Provider", "transfer failed", { key: outcome.action.key });
        if (error.code === "Aborted" && options.signal?.aborted) continue;
        fail(error);
        emit({ type: "error", action: outcome.action, op: "transfer", side: outcome.action.to, error: error.toJSON() });
      }
    }
    await flushSourceDeletes();
    transferEnded = Date.now();
  };

  try {
    // ── step 1: draw the whole plan ─────────────────────────────────────────────
    setPhase("listing");
    let planning = false;
    const guardsRefusal = () => {
      const sending = options.sendingSide ?? "src";
      return options.checkGuards
        ? options.checkGuards()
        : checkDeleteGuards({
            toDelete: stats.toDelete,
            receivingInScope: sending === "src" ? stats.foundDst : stats.foundSrc,
            sendingFound: sending === "src" ? stats.foundSrc : stats.foundDst,
            maxDelete: options.maxDelete,
            force: options.force,
          });
    };
    const startStreaming = async () => {
      streamable = false;
      // a refusal, or one that an empty-so-far source may still lift, is decided at the end
      if (guardsRefusal()) return;
      if (options.confirm && stats.toDelete + stats.toMove > 0) return;
      if (asideMoves.count > 0) return;
      await transfers.finish();
      const queue = new TransferQueue<TransferAction>(LIVE_QUEUE);
      live = queue;
      transfersRunning = doTransfers(concat(transfers.drain(), queue), true).finally(() => queue.abandon());
      // surfaced where it is awaited; until then the planner goes on
      transfersRunning.catch(() => undefined);
    };
    // a planner that offers batches (planOneWay does) costs one await per batch, not per key
    for await (const actions of batchesOf(plan)) {
      if (!planning && actions.length > 0) {
        planning = true;
        setPhase("planning");
      }
      if (streamable && (plan as Partial<SettlingPlan>).onlyAdditionsLeft) await startStreaming();
      for (const action of actions) {
        if (options.signal?.aborted) {
          await settleLive();
          return finish("aborted", "interrupted");
        }
        switch (action.type) {
          case "skip":
            if (action.reason !== "invalid-key") stats.skipped++;
            emit({ type: "skip", action });
            break;
          case "transfer":
            stats.toTransfer++;
            stats.toTransferBytes += action.source.size;
            emit({ type: "plan", action });
            if (live) {
              const room = live.push(action);
              if (room) await room;
            } else if (!options.dryRun) await transfers.push(action);
            break;
          case "delete":
            stats.toDelete++;
            emit({ type: "plan", action });
            if (!options.dryRun) await deletes.push(action);
            break;
          case "move":
            stats.toMove++;
            emit({ type: "plan", action });
            if (!options.dryRun) await (action.reason === "conflict-keep-both" ? asideMoves : moves).push(action);
            break;
        }
      }
    }
    live?.end();
    await Promise.all([live ? undefined : transfers.finish(), deletes.finish(), moves.finish(), asideMoves.finish()]);

    if (!live) {
      const refused = guardsRefusal();
      if (refused) return finish("refused", refused);
      if (options.dryRun) return finish("success");
      if (options.signal?.aborted) return finish("aborted", "interrupted");

      if (options.confirm && stats.toDelete + stats.toMove > 0) {
        const ok = await options.confirm({
          toTransfer: stats.toTransfer,
          toTransferBytes: stats.toTransferBytes,
          toDelete: stats.toDelete,
          toMove: stats.toMove,
        });
        if (!ok) return finish("refused", "declined at the confirmation prompt; nothing was changed");
      }
    }

    // ── step 2: carry it out ─────────────────────────────────────────────────────
    const doDeletes = async () => {
      if (deletes.count === 0 && moves.count === 0) return;
      setPhase("deleting");
      for await (const move of moves.drain()) {
        if (stopped()) break;
        await moveOne(move);
      }
      for await (const results of runDeletes(deletes.drain(), deleteCtx, stopped)) recordDeletes(results);
    };

    await doAsideMoves();
    if (timing === "before") {
      await doDeletes();
      if (!stopped()) await doTransfers();
    } else if (timing === "during") {
      await Promise.all([transfersRunning ?? doTransfers(), doDeletes()]);
    } else {
      await (transfersRunning ?? doTransfers());
      // deletes only after every transfer went through: an interrupted or failing run must
      // never leave the destination missing data it was about to gain
      if (!stopped() && stats.failed === 0) await doDeletes();
      else if (deletes.count + moves.count > 0) {
        emit({
          type: "warning",
          message: `skipped ${deletes.count + moves.count} delete(s) because ${stats.failed} transfer(s) failed`,
        });
      }
    }

    if (options.signal?.aborted) return finish("aborted", "interrupted");
    if (stopReason === "limit") return finish("limit", `stopped after ${stats.failed} failures (--max-failures)`);
    if (stats.failed > 0) return finish("partial", stopReason ? "stopped at the first failure (--stop-on-error)" : undefined);
    return finish("success");
  } catch (e) {
    clearInterval(progressTimer);
    // transfers already running finish (none starts now) before the error is told
    planningFailed = true;
    await settleLive().catch(() => undefined);
    throw toFerryError(e);
  } finally {
    clearInterval(progressTimer);
    await Promise.allSettled([transfers.dispose(), deletes.dispose(), moves.dispose(), asideMoves.dispose()]);
  }
}

/**
 * Transfers handed to a runner while the plan is still drawn wait here at most (the planner
 * waits when it is full): enough to keep every slot busy, small next to a listing.
 */
const LIVE_QUEUE = 4096;

/** The stream, calling `onFirst` just before its first item. */
async function* startingWith<T>(items: AsyncIterable<T>, onFirst: () => void): AsyncGenerator<T> {
  let first = true;
  for await (const item of items) {
    if (first) {
      first = false;
      onFirst();
    }
    yield item;
  }
}

async function* concat<T>(first: AsyncIterable<T>, then: AsyncIterable<T>): AsyncGenerator<T> {
  yield* first;
  yield* then;
}

async function* toAsync<T>(items: T[]): AsyncGenerator<T> {
  yield* items;
}
