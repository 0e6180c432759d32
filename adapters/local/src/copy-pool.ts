import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";

/**
 * Kernel copies between two local folders, run on a few worker threads.
 *
 * Copying one small file through `fs/promises` takes seven trips through libuv's thread pool
 * (stat, copyFile, open, futimes, fsync, close, rename), and each trip is a futex wake-up and
 * an eventfd round trip: with 20,000 × 4 KiB files the thread hand-offs cost more CPU than the
 * copying. A worker does the whole sequence with synchronous calls, so a file costs one message
 * each way; several workers keep as many files (and fsyncs, which wait on the disk) in flight.
 *
 * The main thread still decides every path (containment checks, directory creation, the
 * temp name), so a worker only ever touches the paths it is handed.
 */

export interface CopyJob {
  /** absolute path of the source file */
  source: string;
  /** lstat instead of stat: a symlink is reported back, not followed */
  noFollow: boolean;
  /** absolute path of the temp file (created exclusively, removed on failure) */
  temp: string;
  /** absolute final path: the temp is renamed onto it */
  final: string;
  /** ms since the epoch, or undefined for the source's own */
  mtime?: number;
  /** permission bits to set */
  mode?: number;
  fsync: boolean;
}

export type CopyOutcome =
  | { kind: "copied"; size: number; mtime: number }
  /** the source is a symlink (only with noFollow) or not a regular file: nothing was written */
  | { kind: "symlink" }
  | { kind: "not-a-file" };

/** An fs error from the worker, with what Node's own errors carry that callers look at. */
export class CopyFailure extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
    readonly syscall: string | undefined,
    /** "source" when reading the source failed, "target" for everything after */
    readonly side: "source" | "target",
  ) {
    super(message);
  }
}

interface Reply {
  id: number;
  outcome?: CopyOutcome;
  error?: { message: string; code?: string; syscall?: string; side: "source" | "target" };
}

/**
 * The worker's code, run with `eval` so the same module works from `src/` (under vitest) and
 * from `dist/` without a separate worker file to locate. Plain CommonJS on purpose.
 */
const WORKER_SOURCE = `
"use strict";
const { parentPort } = require("node:worker_threads");
const fs = require("node:fs");
const FLAGS = fs.constants.COPYFILE_EXCL | fs.constants.COPYFILE_FICLONE;
function copyOne(job) {
  let stats;
  try {
    stats = job.noFollow ? fs.lstatSync(job.source) : fs.statSync(job.source);
  } catch (e) {
    e.side = "source";
    throw e;
  }
  if (stats.isSymbolicLink()) return { kind: "symlink" };
  if (!stats.isFile()) return { kind: "not-a-file" };
  try {
    fs.copyFileSync(job.source, job.temp, FLAGS);
  } catch (e) {
    // the source vanished (or turned into a directory) since it was stat'ed
    if (e.code === "ENOENT" || e.code === "EISDIR") { e.side = "source"; try { fs.unlinkSync(job.temp); } catch {} }
    throw e;
  }
  try {
    const seconds = (job.mtime === undefined ? stats.mtimeMs : job.mtime) / 1000;
    if (job.fsync || job.mode !== undefined) {
      const fd = fs.openSync(job.temp, "r+");
      try {
        if (job.mode !== undefined) fs.fchmodSync(fd, job.mode);
        fs.futimesSync(fd, seconds, seconds);
        if (job.fsync) fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
    } else {
      fs.utimesSync(job.temp, seconds, seconds);
    }
    fs.renameSync(job.temp, job.final);
  } catch (e) {
    try { fs.unlinkSync(job.temp); } catch {}
    throw e;
  }
  return { kind: "copied", size: stats.size, mtime: job.mtime === undefined ? stats.mtimeMs : job.mtime };
}
parentPort.on("message", (jobs) => {
  const replies = [];
  for (const job of jobs) {
    try {
      replies.push({ id: job.id, outcome: copyOne(job) });
    } catch (e) {
      replies.push({ id: job.id, error: { message: String(e && e.message), code: e && e.code, syscall: e && e.syscall, side: (e && e.side) || "target" } });
    }
  }
  parentPort.postMessage(replies);
});
`;

interface Pending {
  resolve: (outcome: CopyOutcome) => void;
  reject: (e: Error) => void;
}

interface Lane {
  worker: Worker;
  /** ids of the jobs sent and not yet answered */
  inFlight: Set<number>;
}

/**
 * Jobs a worker holds at once: it never waits for the next one, and jobs that queued up while
 * every worker was full go to it in one message.
 */
const PIPELINE_DEPTH = 3;

export class CopyPool {
  private readonly lanes: Lane[] = [];
  private readonly queue: Array<CopyJob & { id: number }> = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private closed = false;

  constructor(private readonly size: number) {}

  copy(job: CopyJob): Promise<CopyOutcome> {
    if (this.closed) return Promise.reject(new CopyFailure("the copy pool is closed", "ECANCELED", undefined, "target"));
    const id = this.nextId++;
    return new Promise<CopyOutcome>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.queue.push({ ...job, id });
      this.pump();
    });
  }

  /** Stops the workers; copies still queued or running fail. */
  async close(): Promise<void> {
    this.closed = true;
    const lanes = this.lanes.splice(0);
    await Promise.allSettled(lanes.map((lane) => lane.worker.terminate()));
    this.failAll(new CopyFailure("the copy pool was closed", "ECANCELED", undefined, "target"));
  }

  private pump(): void {
    while (this.queue.length > 0) {
      const lane = this.freeLane();
      if (!lane) return;
      const batch = this.queue.splice(0, PIPELINE_DEPTH - lane.inFlight.size);
      for (const job of batch) lane.inFlight.add(job.id);
      lane.worker.ref();
      lane.worker.postMessage(batch);
    }
  }

  /** The least busy worker with room, starting another while the pool is below its size. */
  private freeLane(): Lane | undefined {
    let best: Lane | undefined;
    for (const lane of this.lanes) if (lane.inFlight.size < PIPELINE_DEPTH && (!best || lane.inFlight.size < best.inFlight.size)) best = lane;
    if (best?.inFlight.size === 0 || this.lanes.length >= this.size) return best;
    return this.startLane();
  }

  private startLane(): Lane {
    const worker = new Worker(WORKER_SOURCE, { eval: true, stdout: false, stderr: false });
    const lane: Lane = { worker, inFlight: new Set() };
    worker.on("message", (replies: Reply[]) => {
      for (const reply of replies) lane.inFlight.delete(reply.id);
      // an idle worker must not keep the process alive
      if (lane.inFlight.size === 0) worker.unref();
      for (const reply of replies) this.settle(reply);
      this.pump();
    });
    worker.on("error", (e) => this.lose(lane, e));
    worker.on("exit", () => this.lose(lane, new Error("a copy worker stopped")));
    this.lanes.push(lane);
    return lane;
  }

  private settle(reply: Reply): void {
    const pending = this.pending.get(reply.id);
    if (!pending) return;
    this.pending.delete(reply.id);
    if (reply.outcome) pending.resolve(reply.outcome);
    else pending.reject(new CopyFailure(reply.error?.message ?? "copy failed", reply.error?.code, reply.error?.syscall, reply.error?.side ?? "target"));
  }

  /** A worker that died fails the jobs it held (retryably: the transfer runs again); the pool goes on without it. */
  private lose(lane: Lane, e: Error): void {
    const index = this.lanes.indexOf(lane);
    if (index < 0) return;
    this.lanes.splice(index, 1);
    const failure = new CopyFailure(`a copy worker failed: ${e.message}`, "EAGAIN", undefined, "target");
    for (const id of lane.inFlight) {
      this.pending.get(id)?.reject(failure);
      this.pending.delete(id);
    }
    lane.inFlight.clear();
    if (!this.closed) this.pump();
  }

  private failAll(e: Error): void {
    for (const { reject } of this.pending.values()) reject(e);
    this.pending.clear();
    this.queue.length = 0;
  }
}

let copies: CopyPool | undefined;

/**
 * Copy workers, shared by every local adapter of the process (idle workers do not hold it
 * open). Copies wait on the disk (fsync, cold reads), so several per core overlap; past that
 * they only add memory (each worker is an isolate of ~10 MB).
 */
export function copyPool(): CopyPool {
  copies ??= new CopyPool(Math.max(2, Math.min(6, availableParallelism() * 3)));
  return copies;
}
