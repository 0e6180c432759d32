import type { FerryError } from "@ferry/core";
import { Job, type Queue, type QueueEvents } from "bullmq";
import { type BatchProgress, type BatchResult, decodeBatchResult } from "./job-data.js";

export type Settlement =
  | { jobId: string; kind: "completed"; result: BatchResult }
  | { jobId: string; kind: "failed"; reason: string }
  | { jobId: string; kind: "lost"; reason: string };

/** How often jobs are looked up directly, in case an event was missed (stream trimmed, reconnect). */
const POLL_MS = 5_000;

/**
 * Learns when the coordinator's batches finish. QueueEvents (one Redis stream per queue) is
 * the fast path and also carries the workers' progress; a slow poll of the jobs' states is the
 * safety net, so a missed event costs seconds, never a hung run. Each job settles once: the
 * first completion wins, whatever arrives later for it is ignored.
 */
export class BatchWatch {
  /** job id → whether it is known to be in Redis (only those are polled) */
  private readonly tracked = new Map<string, boolean>();
  private readonly ready: Settlement[] = [];
  private waiter: { resolve: () => void } | undefined;
  private fatal: FerryError | undefined;
  private poller: NodeJS.Timeout | undefined;
  private polling = false;
  private readonly onLost = new Set<(error: FerryError) => void>();

  constructor(
    private readonly queue: Queue,
    private readonly events: QueueEvents,
    private readonly onProgress: (jobId: string, progress: BatchProgress) => void,
  ) {
    events.on("completed", ({ jobId, returnvalue }) => {
      if (!this.tracked.has(jobId)) return;
      try {
        this.settle({ jobId, kind: "completed", result: decodeBatchResult(returnvalue) });
      } catch (e) {
        this.settle({ jobId, kind: "failed", reason: (e as Error).message });
      }
    });
    events.on("failed", ({ jobId, failedReason }) => {
      if (this.tracked.has(jobId)) this.settle({ jobId, kind: "failed", reason: failedReason });
    });
    events.on("removed", ({ jobId }) => {
      if (this.tracked.has(jobId)) this.settle({ jobId, kind: "lost", reason: "it was removed from the queue" });
    });
    events.on("progress", ({ jobId, data }) => {
      if (this.tracked.has(jobId) && data && typeof data === "object") this.onProgress(jobId, data as unknown as BatchProgress);
    });
    // connection trouble is the heartbeat's to judge; without a listener it would be thrown
    events.on("error", () => {});
    this.poller = setInterval(() => void this.poll(), POLL_MS);
    this.poller.unref();
  }

  /** Call before the job is added, so no event can slip past. */
  track(jobId: string): void {
    this.tracked.set(jobId, false);
  }

  /** The job is in Redis now: from here on a missing job means it was lost. */
  added(jobId: string): void {
    if (this.tracked.has(jobId)) this.tracked.set(jobId, true);
  }

  /** No interest in this job any more (settled and consumed, or removed before it ran). */
  untrack(jobId: string): void {
    this.tracked.delete(jobId);
  }

  /** Ends every wait with this error (Redis lost). */
  fail(error: FerryError): void {
    this.fatal ??= error;
    for (const reject of [...this.onLost]) reject(this.fatal);
    this.wake();
  }

  /**
   * `p`, unless the run loses Redis first: with Redis gone a command may wait forever in the
   * client's offline queue. (Not Promise.race against one long-lived promise: every race would
   * leave a reaction on it holding its result — a leak of one batch per race.)
   */
  guard<T>(p: Promise<T>): Promise<T> {
    if (this.fatal) {
      // the command is abandoned, but still settles — with "Connection is closed." once the
      // client goes — and a rejection nobody handles would end the process
      p.catch(() => {});
      return Promise.reject(this.fatal);
    }
    return new Promise<T>((resolve, reject) => {
      this.onLost.add(reject);
      p.then(resolve, reject).finally(() => this.onLost.delete(reject));
    });
  }

  get isLost(): boolean {
    return this.fatal !== undefined;
  }

  /** The next settled job, or undefined when `signal` aborts. */
  async next(signal?: AbortSignal): Promise<Settlement | undefined> {
    for (;;) {
      if (this.fatal) throw this.fatal;
      const s = this.ready.shift();
      if (s) return s;
      if (signal?.aborted) return undefined;
      await new Promise<void>((resolve) => {
        const onAbort = () => resolve();
        signal?.addEventListener("abort", onAbort, { once: true });
        this.waiter = {
          resolve: () => {
            signal?.removeEventListener("abort", onAbort);
            resolve();
          },
        };
      });
      this.waiter = undefined;
    }
  }

  stop(): void {
    clearInterval(this.poller);
    this.poller = undefined;
    this.wake();
  }

  private settle(s: Settlement): void {
    // settled once: a late duplicate (event after a poll found it, a second completion) is dropped
    if (!this.tracked.has(s.jobId)) return;
    this.tracked.delete(s.jobId);
    this.ready.push(s);
    this.wake();
  }

  private wake(): void {
    this.waiter?.resolve();
  }

  private async poll(): Promise<void> {
    if (this.polling || this.tracked.size === 0) return;
    this.polling = true;
    try {
      for (const [jobId, inRedis] of [...this.tracked]) {
        if (!inRedis) continue;
        const state = await this.queue.getJobState(jobId);
        if (state === "completed" || state === "failed") {
          const job = await Job.fromId(this.queue, jobId);
          if (!job) continue;
          if (state === "failed") this.settle({ jobId, kind: "failed", reason: job.failedReason || "failed" });
          else {
            try {
              this.settle({ jobId, kind: "completed", result: decodeBatchResult(job.returnvalue) });
            } catch (e) {
              this.settle({ jobId, kind: "failed", reason: (e as Error).message });
            }
          }
        } else if (state === "unknown") {
          this.settle({ jobId, kind: "lost", reason: "it is no longer in Redis (was Redis restarted or flushed?)" });
        }
      }
    } catch {
      // Redis unavailable: the heartbeat decides whether the run goes on
    } finally {
      this.polling = false;
    }
  }
}
