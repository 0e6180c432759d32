import {
  type Adapter,
  type Backup,
  DEFAULT_RETRY,
  type FerryError,
  type FerryEvent,
  InProcessRunner,
  type RetryPolicy,
  type Side,
  type RateLimiter,
  type TransferAction,
  type TransferContext,
  toFerryError,
  transferSettingsOf,
} from "@ferry/core";
import type { BatchJobData, BatchProgress, KeyResult } from "./job-data.js";

/** How often a running batch reports progress to the coordinator. */
const REPORT_EVERY_MS = 500;

export interface BatchEnvironment {
  adapters: Record<Side, Adapter>;
  backup?: Backup;
  bandwidth?: RateLimiter;
  requests?: RateLimiter;
  /** transfers in flight for this batch */
  transfers: number;
  /** aborts the batch (its run ended) */
  signal: AbortSignal;
  /** sends a progress report (job.updateProgress) */
  report: (progress: Omit<BatchProgress, "worker">) => Promise<void>;
  /** adds where it happened to a per-key error (which worker, what to check) */
  describe: (error: FerryError) => FerryError;
}

/**
 * Runs one batch with the engine's own pieces: core's InProcessRunner (a bounded pool) over
 * core's transferOne (retries, streaming, server-side copy, verify, atomic writes) — exactly
 * what a local run does, only for this batch's keys. Returns one result per action.
 */
export async function executeBatch(data: BatchJobData, env: BatchEnvironment): Promise<KeyResult[]> {
  const index = new Map<TransferAction, number>(data.actions.map((a, i) => [a, i]));
  const reporter = new ProgressReporter(env.report, index);
  const s = data.settings;
  const ctx: TransferContext = {
    adapters: env.adapters,
    retry: retryPolicy(s.retry),
    signal: env.signal,
    emit: (e) => reporter.onEvent(e),
    onBytes: (n) => reporter.onBytes(n),
    ...transferSettingsOf(s),
    ...(env.bandwidth ? { bandwidth: env.bandwidth } : {}),
    ...(env.requests ? { requests: env.requests } : {}),
    ...(env.backup ? { backup: env.backup } : {}),
  };

  const results: KeyResult[] = [];
  reporter.start();
  try {
    const pool = new InProcessRunner(Math.max(1, env.transfers));
    for await (const outcome of pool.run(toAsync(data.actions), ctx, { stopped: () => env.signal.aborted })) {
      const i = index.get(outcome.action)!;
      reporter.finished(i);
      if (outcome.ok) results.push({ i, ok: true, op: outcome.op, bytes: outcome.bytes, ms: outcome.elapsedMs });
      else {
        const error = env.describe(toFerryError(outcome.error ?? new Error("transfer failed"), { key: outcome.action.key }));
        results.push({ i, ok: false, op: outcome.op, ms: outcome.elapsedMs, error: error.toJSON() });
      }
    }
  } finally {
    await reporter.stop();
  }
  // keys the pool never started (the run ended under it) are reported, not left out
  const done = new Set(results.map((r) => r.i));
  data.actions.forEach((action, i) => {
    if (done.has(i)) return;
    const error = env.describe(toFerryError(new DOMException("aborted", "AbortError"), { key: action.key }));
    results.push({ i, ok: false, ms: 0, error: error.toJSON() });
  });
  return results;
}

function retryPolicy(r: Partial<RetryPolicy> | undefined): RetryPolicy {
  const num = (v: unknown, fallback: number) => (typeof v === "number" && Number.isFinite(v) && v >= 0 ? v : fallback);
  return {
    retries: num(r?.retries, DEFAULT_RETRY.retries),
    baseDelayMs: num(r?.baseDelayMs, DEFAULT_RETRY.baseDelayMs),
    maxDelayMs: num(r?.maxDelayMs, DEFAULT_RETRY.maxDelayMs),
  };
}

/**
 * Turns the engine's per-transfer events into compact, periodic reports: bytes since the last
 * report, which transfers started, how far the running ones are. One report per interval per
 * batch, however many keys, so the events stream stays small.
 */
class ProgressReporter {
  private bytes = 0;
  private started: number[] = [];
  private readonly active = new Map<number, number>();
  private timer: NodeJS.Timeout | undefined;
  private sending: Promise<void> | undefined;

  constructor(
    private readonly send: BatchEnvironment["report"],
    private readonly index: Map<TransferAction, number>,
  ) {}

  onEvent(e: FerryEvent): void {
    if (e.type === "transfer-start") {
      const i = this.index.get(e.action);
      if (i !== undefined) this.started.push(i);
    } else if (e.type === "transfer-progress") {
      const i = this.index.get(e.action);
      if (i !== undefined) this.active.set(i, e.bytes);
    }
  }

  onBytes(n: number): void {
    this.bytes += n;
  }

  finished(i: number): void {
    this.active.delete(i);
  }

  start(): void {
    this.timer = setInterval(() => void this.flush(), REPORT_EVERY_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.sending;
    await this.flush();
  }

  private async flush(): Promise<void> {
    // one report at a time: a slow Redis must not pile them up
    if (this.sending) return;
    if (this.bytes === 0 && this.started.length === 0 && this.active.size === 0) return;
    const report: Omit<BatchProgress, "worker"> = {
      bytes: this.bytes,
      ...(this.started.length ? { started: this.started } : {}),
      ...(this.active.size ? { active: [...this.active] } : {}),
    };
    this.bytes = 0;
    this.started = [];
    this.active.clear();
    this.sending = this.send(report).catch(() => {
      // a lost report only makes the coordinator's speed figure lag; the result corrects it
    });
    await this.sending;
    this.sending = undefined;
  }
}

async function* toAsync<T>(items: readonly T[]): AsyncGenerator<T> {
  yield* items;
}
