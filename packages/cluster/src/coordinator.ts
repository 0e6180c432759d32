import { randomBytes } from "node:crypto";
import {
  type Adapter,
  FerryError,
  type RunControl,
  type Side,
  type TransferAction,
  type TransferContext,
  type TransferOp,
  type TransferOutcome,
  type TransferRunner,
  canCopyServerSide,
  isFerryError,
  sleep,
  transferOp,
  transferSettingsOf,
} from "@ferry/core";
import type { PreparedRun, SyncOptions } from "@ferry/sdk";
import { Queue, QueueEvents } from "bullmq";
import type { Redis } from "ioredis";
import { type BatchLimits, batchLimits, batchTransfers } from "./batcher.js";
import { BatchWatch, type Settlement } from "./batch-watch.js";
import { BULL_PREFIX, JOB_OPTIONS } from "./bull-settings.js";
import { RUN_BEAT_MS, RUN_TTL_MS, RunHeartbeat, type LiveWorkers, liveWorkers, redisNow } from "./heartbeat.js";
import {
  type BatchJobData,
  type BatchProgress,
  type ExecutionSettings,
  JOB_NAME,
  type KeyResult,
  WIRE_VERSION,
  errorFromInfo,
  shareableLocation,
} from "./job-data.js";
import { connectionOptions, openRedis, probeQueue, queueError } from "./queue-connection.js";
import { type QueueAddress, parseQueueUrl } from "./redis-url.js";

export interface QueueRunnerInput {
  /** redis:// or rediss:// URL of the queue */
  queue: string;
  run: PreparedRun;
  options: SyncOptions;
}

export interface QueueRunnerHandle {
  runner: TransferRunner;
  close(): Promise<void>;
}

/** Batches queued or running at once, per batch the live workers can run together. */
const IN_FLIGHT_PER_SLOT = 2;
const MIN_IN_FLIGHT = 4;
// bounds the coordinator's memory whatever the cluster's size: ≈ this × batchKeys actions
const MAX_IN_FLIGHT = 1024;
/** Redis unanswered this long means the run key would expire: the run stops (exit 3). */
const REDIS_LOST_MS = RUN_TTL_MS - RUN_BEAT_MS;
/** Batches in flight but no live worker for this long: say so once. */
const NO_WORKERS_WARN_MS = 30_000;
/** Connecting the queue, events and heartbeat once Redis answered the probe. */
const OPEN_TIMEOUT_MS = 15_000;

/**
 * Creates the distributed TransferRunner the SDK plugs into runPlan when `queue` is set.
 * Everything that can be checked before planning is checked here: the locations can be
 * shared with workers, the batch settings are valid, and Redis answers (FerryError
 * Unreachable, exit 3, within a few seconds when it does not).
 */
export async function createQueueRunner(input: QueueRunnerInput): Promise<QueueRunnerHandle> {
  const address = parseQueueUrl(input.queue);
  const { run, options } = input;
  const locations = {
    src: shareableLocation(run.locations.src, "source"),
    dst: shareableLocation(run.locations.dst, "destination"),
  };
  const backupDir = options.backupDir === undefined ? undefined : shareableLocation(options.backupDir, "--backup-dir");
  const limits = batchLimits(options);
  const minWorkers = options.minWorkers ?? 1;
  if (!Number.isInteger(minWorkers) || minWorkers < 0) {
    throw new FerryError("Usage", `minWorkers must be a whole number of at least 0 (got ${JSON.stringify(options.minWorkers)})`);
  }
  await probeQueue(input.queue);

  const ro = run.runOptions;
  const runner = new QueueRunner(address, {
    locations,
    limits,
    minWorkers,
    base: {
      transfers: ro.transfers ?? 16,
      ...(ro.bwlimit ? { bwlimit: ro.bwlimit } : {}),
      ...(ro.tpslimit ? { tpslimit: ro.tpslimit } : {}),
      ...(backupDir ? { backupDir } : {}),
      ...(ro.suffix ? { suffix: ro.suffix } : {}),
    },
  });
  return { runner, close: () => runner.close() };
}

interface RunnerConfig {
  locations: { src: string; dst: string };
  limits: BatchLimits;
  minWorkers: number;
  /** settings that come from the run's options rather than from the TransferContext */
  base: Pick<ExecutionSettings, "transfers" | "bwlimit" | "tpslimit" | "backupDir" | "suffix">;
}

/** A batch the coordinator is waiting for. */
interface InFlight {
  actions: TransferAction[];
  /** body bytes its workers reported so far (taken back or topped up when it settles) */
  reportedBytes: number;
  /** indexes whose transfer-start was emitted */
  announced: Set<number>;
}

interface Session {
  redis: Redis;
  queue: Queue;
  events: QueueEvents;
  watch: BatchWatch;
  heartbeat: RunHeartbeat;
  ticker: NodeJS.Timeout;
}

/**
 * The queue runner: the same TransferRunner seam as the in-process pool, but each batch of
 * transfers becomes a BullMQ job that some `ferry worker` carries out with core's
 * transferOne. Outcomes come back per key, in the order batches finish.
 */
export class QueueRunner implements TransferRunner {
  readonly runId = `r${Date.now().toString(36)}${randomBytes(5).toString("hex")}`;
  private session: Session | undefined;
  private workers: LiveWorkers = { count: 0, capacity: 0 };
  private noWorkersSince: number | undefined;
  private warnedNoWorkers = false;
  private seq = 0;
  /** jobs of this run still in Redis that nobody has consumed (removed on close) */
  private readonly leftovers = new Set<string>();
  private readonly cleanups = new Set<Promise<unknown>>();
  private closed = false;

  constructor(
    private readonly address: QueueAddress,
    private readonly config: RunnerConfig,
  ) {}

  async *run(transfers: AsyncIterable<TransferAction>, ctx: TransferContext, control: RunControl): AsyncIterable<TransferOutcome> {
    const inFlight = new Map<string, InFlight>();
    const session = await this.open(ctx, inFlight);
    const settings = this.settingsFrom(ctx);
    const batches = batchTransfers(transfers, this.config.limits)[Symbol.asyncIterator]();
    let exhausted = false;
    let cancelled = false;
    try {
      if (!(await this.waitForWorkers(ctx))) return;
      for (;;) {
        while (!exhausted && !control.stopped() && inFlight.size < this.inFlightLimit()) {
          const next = await batches.next();
          if (next.done) {
            exhausted = true;
            break;
          }
          await this.enqueue(session, next.value, settings, inFlight);
        }
        if (control.stopped() && !cancelled) {
          // like the local pool: nothing new starts, what already runs finishes and is reported
          cancelled = true;
          await this.cancelQueued(session, inFlight);
        }
        if (inFlight.size === 0 || ctx.signal?.aborted) break;
        const settled = await session.watch.next(ctx.signal);
        if (!settled) break;
        const batch = inFlight.get(settled.jobId);
        if (!batch) continue;
        inFlight.delete(settled.jobId);
        yield* this.outcomes(batch, settled, ctx);
        this.discard(session, settled.jobId);
      }
    } finally {
      if (!exhausted) await batches.return?.(undefined);
      // an early end (interrupt, error, consumer gone): what is still queued is taken back now;
      // running batches are dropped by their workers once close() ends the run's heartbeat
      if (inFlight.size > 0) await this.cancelQueued(session, inFlight);
    }
  }

  /** Connections, the run heartbeat and the event watch — made on first use, so dry runs only probe. */
  private async open(ctx: TransferContext, inFlight: Map<string, InFlight>): Promise<Session> {
    if (this.closed) throw new FerryError("Usage", "this queue runner is closed");
    if (this.session) return this.session;
    const { address } = this;
    let redisError: FerryError | undefined;
    const redis = openRedis(address, (e) => {
      redisError = e;
    });
    const closers: Array<() => Promise<unknown>> = [];
    const attempt = { timedOut: false };
    try {
      return await deadline(this.connect(redis, ctx, inFlight, closers, () => redisError, attempt), OPEN_TIMEOUT_MS);
    } catch (e) {
      attempt.timedOut = true;
      await Promise.all(closers.map((close) => within(close(), 1_000)));
      redis.disconnect();
      throw queueError(redisError ?? e, address.display);
    }
  }

  private async connect(
    redis: Redis,
    ctx: TransferContext,
    inFlight: Map<string, InFlight>,
    closers: Array<() => Promise<unknown>>,
    lastRedisError: () => FerryError | undefined,
    attempt: { timedOut: boolean },
  ): Promise<Session> {
    const { address } = this;
    const queue = new Queue(address.queueName, {
      connection: connectionOptions(address),
      prefix: BULL_PREFIX,
      // completion events carry each batch's per-key results; a short stream keeps Redis small
      streams: { events: { maxLen: 2_000 } },
    });
    queue.on("error", () => {});
    closers.push(() => queue.close());
    // read events from "now" on Redis' clock: a batch finishing before the first XREAD is not missed
    const lastEventId = `${await redisNow(redis)}-0`;
    const events = new QueueEvents(address.queueName, { connection: connectionOptions(address), prefix: BULL_PREFIX, lastEventId });
    closers.push(() => events.close());
    const watch = new BatchWatch(queue, events, (jobId, progress) => this.forwardProgress(inFlight.get(jobId), progress, ctx));
    closers.push(async () => watch.stop());
    await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
    const heartbeat = new RunHeartbeat(redis, address.queueName, this.runId);
    await heartbeat.start({ runId: this.runId, startedAt: new Date().toISOString(), src: this.config.locations.src, dst: this.config.locations.dst });
    closers.push(() => heartbeat.stop());
    this.workers = await liveWorkers(redis, address.queueName);
    // open() gave up on us meanwhile and closed what it knew of: leave nothing running
    if (attempt.timedOut) throw new Error("connecting took too long");
    const ticker = setInterval(() => void this.tick(ctx, inFlight.size, lastRedisError), RUN_BEAT_MS);
    ticker.unref();
    this.session = { redis, queue, events, watch, heartbeat, ticker };
    return this.session;
  }

  /** Every few seconds: live workers and capacity, and whether Redis still takes our heartbeat. */
  private async tick(ctx: TransferContext, inFlightCount: number, lastRedisError: () => FerryError | undefined): Promise<void> {
    const session = this.session;
    if (!session) return;
    if (Date.now() - session.heartbeat.lastBeatAt > REDIS_LOST_MS) {
      const cause = lastRedisError();
      session.watch.fail(
        new FerryError("Unreachable", `lost the queue at ${this.address.display}: Redis has not answered for ${Math.round(REDIS_LOST_MS / 1000)} s${cause ? ` (${cause.message})` : ""}`, {
          hint: "the run stopped before its deletes; run it again once Redis is back (sync is idempotent)",
        }),
      );
      return;
    }
    await this.refreshWorkers().catch(() => {});
    if (this.workers.count > 0 || inFlightCount === 0) {
      this.noWorkersSince = undefined;
      return;
    }
    this.noWorkersSince ??= Date.now();
    if (!this.warnedNoWorkers && Date.now() - this.noWorkersSince > NO_WORKERS_WARN_MS) {
      this.warnedNoWorkers = true;
      ctx.emit({ type: "warning", message: `no worker has been seen on ${this.address.display} for ${NO_WORKERS_WARN_MS / 1000} s; queued batches wait for one (start ferry worker --queue …)` });
    }
  }

  private async refreshWorkers(): Promise<void> {
    if (this.session) this.workers = await liveWorkers(this.session.redis, this.address.queueName);
  }

  private inFlightLimit(): number {
    return Math.min(MAX_IN_FLIGHT, Math.max(MIN_IN_FLIGHT, this.workers.capacity * IN_FLIGHT_PER_SLOT + 2));
  }

  /** Returns false when interrupted while waiting. */
  private async waitForWorkers(ctx: TransferContext): Promise<boolean> {
    const need = this.config.minWorkers;
    if (this.workers.count >= need) return true;
    ctx.emit({
      type: "warning",
      message: `waiting for ${need} worker(s) on ${this.address.display} (${this.workers.count} connected); start them with: ferry worker --queue ${this.address.display}`,
    });
    while (this.workers.count < need) {
      try {
        await sleep(1_000, ctx.signal);
      } catch (e) {
        if (isFerryError(e) && e.code === "Aborted") return false;
        throw e;
      }
      if (this.session) await this.session.watch.guard(this.refreshWorkers());
    }
    return true;
  }

  private settingsFrom(ctx: TransferContext): ExecutionSettings {
    return {
      ...this.config.base,
      retry: ctx.retry,
      ...transferSettingsOf(ctx),
    };
  }

  private async enqueue(session: Session, actions: TransferAction[], settings: ExecutionSettings, inFlight: Map<string, InFlight>): Promise<void> {
    const jobId = `${this.runId}-${++this.seq}`;
    const data: BatchJobData = { v: WIRE_VERSION, runId: this.runId, locations: this.config.locations, settings, actions };
    inFlight.set(jobId, { actions, reportedBytes: 0, announced: new Set() });
    session.watch.track(jobId);
    this.leftovers.add(jobId);
    try {
      await session.watch.guard(session.queue.add(JOB_NAME, data, { ...JOB_OPTIONS, jobId }));
    } catch (e) {
      inFlight.delete(jobId);
      session.watch.untrack(jobId);
      this.leftovers.delete(jobId);
      throw queueError(e, this.address.display);
    }
    session.watch.added(jobId);
  }

  /** Takes back batches no worker has started; running ones are left to finish. */
  private async cancelQueued(session: Session, inFlight: Map<string, InFlight>): Promise<void> {
    for (const jobId of [...inFlight.keys()]) {
      try {
        // 0 when a worker holds the job's lock: it is running and will be reported
        if ((await session.watch.guard(session.queue.remove(jobId))) === 1) {
          inFlight.delete(jobId);
          session.watch.untrack(jobId);
          this.leftovers.delete(jobId);
        }
      } catch {
        // Redis trouble: close() tries again, the job's age limit is the last resort
        break;
      }
    }
  }

  /** A finished job's results are consumed: its data leaves Redis now rather than at its age limit. */
  private discard(session: Session, jobId: string): void {
    const p = session.queue
      .remove(jobId)
      .then(() => this.leftovers.delete(jobId))
      .catch(() => {})
      .finally(() => this.cleanups.delete(p));
    this.cleanups.add(p);
  }

  private forwardProgress(batch: InFlight | undefined, progress: BatchProgress, ctx: TransferContext): void {
    if (!batch) return;
    if (typeof progress.bytes === "number" && progress.bytes !== 0) {
      batch.reportedBytes += progress.bytes;
      ctx.onBytes?.(progress.bytes);
    }
    for (const i of progress.started ?? []) this.announce(batch, i, ctx);
    for (const [i, bytes] of progress.active ?? []) {
      const action = batch.actions[i];
      if (action) ctx.emit({ type: "transfer-progress", action, bytes });
    }
  }

  private announce(batch: InFlight, i: number, ctx: TransferContext, op?: TransferOp): void {
    const action = batch.actions[i];
    if (!action || batch.announced.has(i)) return;
    batch.announced.add(i);
    ctx.emit({ type: "transfer-start", action, op: op ?? localOp(action, ctx.adapters) });
  }

  /** Per-key outcomes of a settled batch, each key exactly once. */
  private *outcomes(batch: InFlight, settled: Settlement, ctx: TransferContext): Generator<TransferOutcome> {
    const byIndex = new Map<number, KeyResult>();
    let batchError: FerryError | undefined;
    if (settled.kind === "completed" && settled.result.dropped) {
      batchError = new FerryError("Provider", `worker ${settled.result.worker} dropped the batch: this run's heartbeat had expired in Redis`);
    } else if (settled.kind === "completed") {
      for (const r of settled.result.results) if (!byIndex.has(r.i)) byIndex.set(r.i, r);
    } else if (settled.kind === "failed") {
      batchError = new FerryError("Provider", `the batch failed on the workers: ${settled.reason}`, { retryable: false });
    } else {
      batchError = new FerryError("Provider", `the batch was lost: ${settled.reason}`, { retryable: false });
    }

    let okBytes = 0;
    const outcomes: TransferOutcome[] = batch.actions.map((action, i) => {
      const r = byIndex.get(i);
      if (r?.ok) {
        okBytes += r.bytes;
        return { action, op: r.op, ok: true, bytes: r.bytes, elapsedMs: r.ms };
      }
      const error = r
        ? errorFromInfo(r.error, action.key)
        : batchError
          ? new FerryError(batchError.code, batchError.message, { key: action.key, retryable: false })
          : new FerryError("Provider", "the worker returned no result for this key", { key: action.key });
      return { action, op: r?.op ?? localOp(action, ctx.adapters), ok: false, bytes: 0, elapsedMs: r?.ms ?? 0, error };
    });
    // bytes reported by a worker that died, or by retries, are settled against what was written
    if (okBytes !== batch.reportedBytes) ctx.onBytes?.(okBytes - batch.reportedBytes);
    for (let i = 0; i < outcomes.length; i++) {
      this.announce(batch, i, ctx, outcomes[i]!.op);
      yield outcomes[i]!;
    }
  }

  /** Ends the run for the workers and removes this run's jobs still in Redis. Never throws. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const session = this.session;
    if (!session) return;
    clearInterval(session.ticker);
    const redisLost = session.watch.isLost;
    session.heartbeat.halt();
    session.watch.stop();
    // with Redis gone there is nothing to clean: the run key expires, the jobs age out
    if (!redisLost) {
      await within(
        Promise.allSettled([session.heartbeat.stop(), ...this.cleanups, ...[...this.leftovers].map((jobId) => session.queue.remove(jobId))]),
        5_000,
      );
    }
    await within(Promise.allSettled([session.events.close(), session.queue.close()]), 3_000);
    await within(session.redis.quit(), 1_000);
    session.redis.disconnect();
  }
}

function localOp(action: TransferAction, adapters: Record<Side, Adapter>): TransferOp {
  const from = adapters[action.from];
  const to = adapters[action.to];
  const serverSide = canCopyServerSide(from, to) && action.source.type !== "symlink" && action.source.type !== "dir";
  return transferOp(from, to, serverSide);
}

/** `p`, or a rejection once `ms` have passed (open() reports it as Unreachable). */
async function deadline<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${ms / 1000} s`)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/** close() must not hang on a Redis that went away. */
async function within(p: Promise<unknown>, ms = 5_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([p.catch(() => {}), new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}
