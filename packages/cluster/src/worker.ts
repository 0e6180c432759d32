import { randomBytes } from "node:crypto";
import { setMaxListeners } from "node:events";
import os from "node:os";
import { Backup, type ErrorInfo, FerryError, type FerryErrorCode, parseBwLimit, toFerryError } from "@ferry/core";
import type { RemoteConfig } from "@ferry/sdk";
import { type Job, UnrecoverableError, Worker } from "bullmq";
import { executeBatch } from "./batch-execution.js";
import { BULL_PREFIX, DEFAULT_LOCK_DURATION_MS, DEFAULT_STALLED_INTERVAL_MS, MAX_STALLED_COUNT } from "./bull-settings.js";
import { WorkerPresence, isRunAlive } from "./heartbeat.js";
import { type BatchJobData, type BatchResult, type KeyResult, WIRE_VERSION, decodeJobData } from "./job-data.js";
import { LocationCache } from "./location-cache.js";
import { connectionOptions, openRedis, probeQueue } from "./queue-connection.js";
import { RateLimits } from "./rate-limits.js";
import { SharedTokenBucket, rateKey } from "./shared-rate.js";
import { parseQueueUrl } from "./redis-url.js";

export interface WorkerOptions {
  /** redis:// or rediss:// URL of the queue (`?queue=name` picks a queue other than ferry-transfers) */
  queue: string;
  /** batches run at once (default 2) */
  concurrency?: number;
  /** transfers in flight per batch (default: the run's --transfers) */
  transfers?: number;
  /** adapter settings by camelCase flag name (s3Endpoint, sftpKeyFile, …) — the worker's own */
  adapterOptions?: Record<string, unknown>;
  /** named remotes from the worker's config file */
  remotes?: Record<string, RemoteConfig>;
  /** environment to take credentials from (default process.env) */
  env?: Record<string, string | undefined>;
  /** this worker's total bandwidth (bytes/s or "10M") and request rate */
  bwlimit?: number | string;
  tpslimit?: number;
  /** lock and stalled-check timing (ms): how soon a killed worker's batch is re-delivered */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  /** stops the worker: running batches finish first (graceful), nothing new is taken */
  signal?: AbortSignal;
  onEvent?: (event: WorkerEvent) => void;
}

export type WorkerEvent =
  | { type: "worker-ready"; worker: string; queue: string; concurrency: number }
  | { type: "batch-start"; worker: string; runId: string; batch: string; keys: number; bytes: number; attempt: number }
  | { type: "batch-done"; worker: string; runId: string; batch: string; keys: number; transferred: number; failed: number; bytes: number; elapsedMs: number }
  | { type: "batch-dropped"; worker: string; runId: string; batch: string; reason: string }
  | { type: "batch-failed"; worker: string; runId?: string; batch: string; error: ErrorInfo; willRetry: boolean }
  | { type: "worker-warning"; worker: string; message: string }
  | { type: "worker-stopping"; worker: string }
  | { type: "worker-stopped"; worker: string };

/** While a batch runs, how often the worker checks that its run is still wanted. */
const RUN_CHECK_MS = 5_000;
/** Per-key failures that say "this worker cannot reach or may not use the location". */
const WORKER_LOCAL_CODES: ReadonlySet<FerryErrorCode> = new Set(["Unauthorized", "Unreachable"]);

/**
 * `ferry worker`: pulls transfer batches from the queue and runs them until `signal` aborts.
 * Resolves once it has stopped; throws FerryError Unreachable when Redis is not there at start.
 */
export async function runWorker(options: WorkerOptions): Promise<void> {
  const address = parseQueueUrl(options.queue);
  const concurrency = positive("concurrency", options.concurrency) ?? 2;
  const transfers = positive("transfers", options.transfers);
  const bwlimit = typeof options.bwlimit === "string" ? parseBwLimit(options.bwlimit, "--bwlimit") : options.bwlimit;
  const lockDuration = positive("lockDurationMs", options.lockDurationMs) ?? DEFAULT_LOCK_DURATION_MS;
  const stalledInterval = positive("stalledIntervalMs", options.stalledIntervalMs) ?? DEFAULT_STALLED_INTERVAL_MS;
  const workerId = `${os.hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`;
  const emit = (e: WorkerEvent) => {
    try {
      options.onEvent?.(e);
    } catch {
      // a broken listener must not take the worker down
    }
  };
  let lastWarning = 0;
  const warn = (message: string) => {
    // Redis trouble repeats on every reconnect attempt: one line every few seconds is enough
    if (Date.now() - lastWarning < 5_000) return;
    lastWarning = Date.now();
    emit({ type: "worker-warning", worker: workerId, message });
  };

  if (options.signal?.aborted) return;
  await probeQueue(options.queue);

  const redis = openRedis(address, (e) => warn(e.message));
  const presence = new WorkerPresence(redis, address.queueName, workerId, concurrency);
  const locations = new LocationCache({
    // adapters size their connection pools from the transfers they will run at once
    adapterOptions: { ...options.adapterOptions, transfers: concurrency * (transfers ?? 16) },
    ...(options.remotes ? { remotes: options.remotes } : {}),
    ...(options.env ? { env: options.env } : {}),
  });
  const rates = new RateLimits(
    { ...(bwlimit ? { bwlimit } : {}), ...(options.tpslimit ? { tpslimit: options.tpslimit } : {}) },
    (runId, kind, rate, burst) => new SharedTokenBucket(redis, rateKey(address.queueName, runId, kind), rate, burst),
  );

  const describe = (error: FerryError): FerryError => {
    const credentials =
      error.code === "Unauthorized" ? "; workers use their own credentials (environment, flags, config) — none travel through the queue" : "";
    return new FerryError(error.code, `${error.message} (on worker ${workerId}${credentials})`, {
      ...(error.adapter ? { adapter: error.adapter } : {}),
      ...(error.key !== undefined ? { key: error.key } : {}),
      retryable: error.retryable,
    });
  };

  const processBatch = async (job: Job): Promise<BatchResult> => {
    let data: BatchJobData;
    try {
      data = decodeJobData(job.data);
    } catch (e) {
      // a batch this worker cannot read will not get better on another try
      throw new UnrecoverableError(toFerryError(e).message);
    }
    const batch = job.id ?? "?";
    if (!(await isRunAlive(redis, address.queueName, data.runId))) {
      emit({ type: "batch-dropped", worker: workerId, runId: data.runId, batch, reason: "its run has ended (coordinator finished or gone)" });
      return { v: WIRE_VERSION, worker: workerId, dropped: true, results: [] };
    }
    const started = Date.now();
    const bytes = data.actions.reduce((n, a) => n + a.source.size, 0);
    const attempt = job.attemptsMade + 1;
    const lastAttempt = attempt >= (job.opts.attempts ?? 1);
    emit({ type: "batch-start", worker: workerId, runId: data.runId, batch, keys: data.actions.length, bytes, attempt });

    // the run can end while this batch runs (coordinator interrupted or dead): stop early
    const abort = new AbortController();
    // every transfer of the batch listens on it (16 by default): not a leak
    setMaxListeners(0, abort.signal);
    const runCheck = setInterval(() => {
      isRunAlive(redis, address.queueName, data.runId).then(
        (alive) => alive || abort.abort(),
        () => {},
      );
    }, RUN_CHECK_MS);
    runCheck.unref();
    const opened: string[] = [];
    const open = async (location: string) => {
      const adapter = await locations.acquire(location);
      opened.push(location);
      return adapter;
    };
    const lease = rates.acquire(data.runId, data.settings);
    let handBack: FerryError | undefined;
    try {
      const adapters = { src: await open(data.locations.src), dst: await open(data.locations.dst) };
      const backupTarget = data.settings.backupDir ? await open(data.settings.backupDir) : undefined;
      const backup = backupTarget || data.settings.suffix ? new Backup(adapters, backupTarget, data.settings.suffix) : undefined;
      const results = await executeBatch(data, {
        adapters,
        ...(backup ? { backup } : {}),
        ...(lease.bandwidth ? { bandwidth: lease.bandwidth } : {}),
        ...(lease.requests ? { requests: lease.requests } : {}),
        transfers: transfers ?? data.settings.transfers ?? 16,
        signal: abort.signal,
        report: (p) => job.updateProgress({ worker: workerId, ...p }),
        describe,
      });
      // every key failed because of this worker's access to a location: hand the batch back so
      // a worker that has the credentials can take it (the last attempt reports per key)
      if (!lastAttempt && results.length > 0 && results.every((r) => !r.ok && WORKER_LOCAL_CODES.has(r.error.code))) {
        const first = results[0] as Extract<KeyResult, { ok: false }>;
        handBack = new FerryError(first.error.code, first.error.message, { retryable: true });
        throw handBack;
      }
      const failed = results.filter((r) => !r.ok).length;
      emit({
        type: "batch-done",
        worker: workerId,
        runId: data.runId,
        batch,
        keys: results.length,
        transferred: results.length - failed,
        failed,
        bytes: results.reduce((n, r) => n + (r.ok ? r.bytes : 0), 0),
        elapsedMs: Date.now() - started,
      });
      return { v: WIRE_VERSION, worker: workerId, results };
    } catch (e) {
      const error: FerryError = handBack && e === handBack ? handBack : describe(toFerryError(e));
      emit({ type: "batch-failed", worker: workerId, runId: data.runId, batch, error: error.toJSON(), willRetry: !lastAttempt });
      if (!lastAttempt) throw error;
      // the last attempt answers per key, with the error's code intact
      return {
        v: WIRE_VERSION,
        worker: workerId,
        results: data.actions.map((a, i) => ({ i, ok: false, ms: Date.now() - started, error: { ...error.toJSON(), key: a.key } })),
      };
    } finally {
      clearInterval(runCheck);
      lease.release();
      for (const location of opened) locations.release(location);
    }
  };

  const worker = new Worker(address.queueName, processBatch, {
    connection: connectionOptions(address),
    prefix: BULL_PREFIX,
    name: workerId,
    concurrency,
    lockDuration,
    stalledInterval,
    maxStalledCount: MAX_STALLED_COUNT,
    autorun: false,
  });
  worker.on("error", (e) => warn(`queue: ${e.message}`));

  try {
    await worker.waitUntilReady();
    await presence.start();
    const running = worker.run();
    emit({ type: "worker-ready", worker: workerId, queue: address.display, concurrency });
    await Promise.race([
      new Promise<void>((resolve) => {
        if (options.signal?.aborted) resolve();
        options.signal?.addEventListener("abort", () => resolve(), { once: true });
      }),
      running,
    ]);
    emit({ type: "worker-stopping", worker: workerId });
  } finally {
    // graceful: batches in hand finish and report; nothing new is taken
    await worker.close().catch(() => {});
    await presence.stop().catch(() => {});
    await locations.closeAll();
    await redis.quit().catch(() => {});
    redis.disconnect();
    emit({ type: "worker-stopped", worker: workerId });
  }
}

function positive(name: string, value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || value < 1) throw new FerryError("Usage", `${name} must be a whole number of at least 1 (got ${JSON.stringify(value)})`);
  return value;
}
