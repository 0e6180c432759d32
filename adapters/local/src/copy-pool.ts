import { unlinkSync } from "node:fs";
import { availableParallelism } from "node:os";
import { dirname } from "node:path";
import { Worker } from "node:worker_threads";
import { FilesystemSync } from "./filesystem-sync.js";

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
 *
 * Group commit: on Linux a small file is not fsync'ed on its own. The worker writes its temp
 * file and stops ("staged"); the pool flushes the temp files of one filesystem together with
 * a single `syncfs` (FilesystemSync) and only then has them renamed into place. The promise of
 * a copy still resolves only after its rename, so a file is durable under its final name
 * before anyone is told it was copied (a move deletes its source after that), exactly as with
 * one fsync per file — but one journal commit and one merged writeback serve every file that
 * was staged while the previous flush ran, instead of one each.
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

/** What a worker is sent: a copy, or the rename that ends a staged copy once it is flushed. */
type Task =
  | (CopyJob & { op: "copy"; id: number; stageUpTo?: number })
  | { op: "commit"; id: number; temp: string; final: string; fsync: boolean };

/** A worker's answers besides a CopyOutcome: written but not yet flushed nor renamed; renamed. */
type Staged = { kind: "staged"; size: number; mtime: number; dev: number };
type Committed = { kind: "committed" };

interface Reply {
  id: number;
  outcome?: CopyOutcome | Staged | Committed;
  error?: { message: string; code?: string; syscall?: string; side: "source" | "target" };
}

/** A batch of tasks as the worker reads it (see the worker's message handler). */
function packTasks(tasks: Task[]): string {
  const fields: Array<string | number> = [];
  for (const t of tasks) {
    if (t.op === "commit") fields.push("m", t.id, t.temp, t.final, t.fsync ? "1" : "0");
    else fields.push("c", t.id, t.source, t.temp, t.final, t.mtime ?? "", t.mode ?? "", (t.noFollow ? "n" : "") + (t.fsync ? "f" : ""), t.stageUpTo ?? "");
  }
  return fields.join("\0");
}

function unpackReplies(packed: string): Reply[] {
  const f = packed.split("\0");
  const replies: Reply[] = [];
  let i = 0;
  while (i < f.length) {
    const id = Number(f[i++]);
    const kind = f[i++];
    if (kind === "c") replies.push({ id, outcome: { kind: "copied", size: Number(f[i++]), mtime: Number(f[i++]) } });
    else if (kind === "s") replies.push({ id, outcome: { kind: "staged", size: Number(f[i++]), mtime: Number(f[i++]), dev: Number(f[i++]) } });
    else if (kind === "m") replies.push({ id, outcome: { kind: "committed" } });
    else if (kind === "l") replies.push({ id, outcome: { kind: "symlink" } });
    else if (kind === "n") replies.push({ id, outcome: { kind: "not-a-file" } });
    else {
      const message = f[i++]!;
      const code = f[i++] || undefined;
      const syscall = f[i++] || undefined;
      const side = f[i++] === "source" ? "source" : "target";
      replies.push({ id, error: { message, ...(code ? { code } : {}), ...(syscall ? { syscall } : {}), side } });
    }
  }
  return replies;
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
  const mtime = job.mtime === undefined ? stats.mtimeMs : job.mtime;
  // staged: the pool flushes it with others (one syncfs) and sends the rename later
  const stage = job.fsync && job.stageUpTo !== undefined && stats.size <= job.stageUpTo;
  let dev = 0;
  try {
    if (job.fsync || job.mode !== undefined) {
      const fd = fs.openSync(job.temp, "r+");
      try {
        if (job.mode !== undefined) fs.fchmodSync(fd, job.mode);
        fs.futimesSync(fd, mtime / 1000, mtime / 1000);
        if (stage) dev = fs.fstatSync(fd).dev;
        else if (job.fsync) fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
    } else {
      fs.utimesSync(job.temp, mtime / 1000, mtime / 1000);
    }
    if (stage) return { kind: "staged", size: stats.size, mtime, dev };
    fs.renameSync(job.temp, job.final);
  } catch (e) {
    try { fs.unlinkSync(job.temp); } catch {}
    throw e;
  }
  return { kind: "copied", size: stats.size, mtime };
}
function commitOne(task) {
  try {
    // the group flush failed: this file gets its own fsync after all
    if (task.fsync) {
      const fd = fs.openSync(task.temp, "r+");
      try { fs.fsyncSync(fd); } finally { fs.closeSync(fd); }
    }
    fs.renameSync(task.temp, task.final);
  } catch (e) {
    try { fs.unlinkSync(task.temp); } catch {}
    throw e;
  }
  return { kind: "committed" };
}
// tasks and replies travel as one NUL-separated string each: cloning one string is far
// cheaper than cloning arrays of objects (paths cannot contain NUL)
parentPort.on("message", (packed) => {
  const f = packed.split("\0");
  const out = [];
  let i = 0;
  while (i < f.length) {
    const op = f[i++];
    const id = f[i++];
    let task;
    if (op === "m") {
      task = { temp: f[i++], final: f[i++], fsync: f[i++] === "1" };
    } else {
      task = { source: f[i++], temp: f[i++], final: f[i++] };
      const mtime = f[i++], mode = f[i++], flags = f[i++], stageUpTo = f[i++];
      task.mtime = mtime === "" ? undefined : Number(mtime);
      task.mode = mode === "" ? undefined : Number(mode);
      task.noFollow = flags.includes("n");
      task.fsync = flags.includes("f");
      task.stageUpTo = stageUpTo === "" ? undefined : Number(stageUpTo);
    }
    try {
      const o = op === "m" ? commitOne(task) : copyOne(task);
      if (o.kind === "copied") out.push(id, "c", o.size, o.mtime);
      else if (o.kind === "staged") out.push(id, "s", o.size, o.mtime, o.dev);
      else if (o.kind === "committed") out.push(id, "m");
      else out.push(id, o.kind === "symlink" ? "l" : "n");
    } catch (e) {
      out.push(id, "e", String(e && e.message).replace(/\0/g, " "), (e && e.code) || "", (e && e.syscall) || "", (e && e.side) || "target");
    }
  }
  parentPort.postMessage(out.join("\0"));
});
`;

interface Pending {
  resolve: (outcome: CopyOutcome) => void;
  reject: (e: Error) => void;
  temp: string;
  final: string;
  /** the caller's WriteOptions.onCommitWait: told when the copy only waits for its group */
  onCommitWait: (() => void) | undefined;
  /** set while the copy waits for its group's flush and rename */
  staged?: { size: number; mtime: number };
  /** the copy gave its caller's slot back (counted in CopyPool.parked) */
  parked?: boolean;
}

/** What a group commit needs of FilesystemSync (tests hand in their own). */
export interface FlushFilesystem {
  flush(): Promise<boolean>;
  close(): void;
}

/** The staged copies of one filesystem, and the flush that serves them. */
interface CommitGroup {
  sync: FlushFilesystem;
  /** ids of staged copies waiting for the next flush */
  waiting: number[];
  flushing: boolean;
  timer?: NodeJS.Timeout;
  idleCheck?: NodeJS.Immediate;
}

/**
 * Files up to this size are staged for a group commit; a bigger one is fsync'ed on its own
 * (its own data dominates that fsync, and it would hold up the small files sharing a flush).
 */
const STAGE_UP_TO = 1024 * 1024;
/**
 * When a group is flushed: at once with this many files, else this long after its first file
 * arrived, or as soon as no copy is left running (nothing more would join it). On a VM disk a
 * flush costs milliseconds whatever it carries, so it should carry hundreds of files.
 */
const GROUP_FILES = 512;
const GROUP_DELAY_MS = 25;
/**
 * Staged copies that may give their caller's slot back (onCommitWait) at once, over all groups;
 * past it a staged copy keeps its slot, so a slow disk slows the caller instead of piling up.
 */
const MAX_PARKED = 2048;

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
/** Most renames (of a flushed group) sent to one worker in one message. */
const COMMIT_BATCH = 32;
/** Most queued copies sent to one worker in one message. */
const QUEUE_BATCH = 8;
/** Queued copies it takes to message a worker that is still busy. */
const TOP_UP = 3;

export class CopyPool {
  private readonly lanes: Lane[] = [];
  private readonly queue: Task[] = [];
  /** renames of flushed copies: they finish transfers, so they go before any new copy */
  private readonly commits: Task[] = [];
  private readonly pending = new Map<number, Pending>();
  private readonly groups = new Map<number, CommitGroup>();
  private nextId = 0;
  private closed = false;
  /** copies staged and not yet settled, and how many of those gave their slot back */
  private staged = 0;
  private parked = 0;
  private pumpQueued = false;
  /** false once a group flush failed: every copy is fsync'ed on its own from then on */
  private groupCommit: boolean;

  private readonly syncFor: (directory: string) => FlushFilesystem;

  constructor(
    private readonly size: number,
    options: { syncFor?: (directory: string) => FlushFilesystem } = {},
  ) {
    this.groupCommit = process.platform === "linux";
    this.syncFor = options.syncFor ?? ((directory) => new FilesystemSync(directory));
  }

  /**
   * Copies one file; resolves once it is under its final name (and, with `fsync`, durable).
   * `onCommitWait` is called if the copy is staged for a group commit and waits only for that.
   */
  copy(job: CopyJob, onCommitWait?: () => void): Promise<CopyOutcome> {
    if (this.closed) return Promise.reject(new CopyFailure("the copy pool is closed", "ECANCELED", undefined, "target"));
    const id = this.nextId++;
    return new Promise<CopyOutcome>((resolve, reject) => {
      this.pending.set(id, { resolve, reject, temp: job.temp, final: job.final, onCommitWait });
      this.queue.push({ ...job, op: "copy", id, ...(job.fsync && this.groupCommit ? { stageUpTo: STAGE_UP_TO } : {}) });
      // copies started in the same turn of the event loop go out together: each message
      // wakes a worker (~50 µs on a VM), more than a small file's copy costs
      if (!this.pumpQueued) {
        this.pumpQueued = true;
        setImmediate(() => {
          this.pumpQueued = false;
          this.pump();
        });
      }
    });
  }

  /** Stops the workers; copies still queued, running or staged fail (a staged copy's temp file is removed). */
  async close(): Promise<void> {
    this.closed = true;
    for (const group of this.groups.values()) {
      clearTimeout(group.timer);
      if (group.idleCheck) clearImmediate(group.idleCheck);
      group.sync.close();
    }
    this.groups.clear();
    const lanes = this.lanes.splice(0);
    await Promise.allSettled(lanes.map((lane) => lane.worker.terminate()));
    this.failAll(new CopyFailure("the copy pool was closed", "ECANCELED", undefined, "target"));
  }

  private pump(): void {
    while (this.commits.length > 0 || this.queue.length > 0) {
      const lane = this.freeLane();
      if (!lane) return;
      // a busy worker is topped up only with a few tasks at once; a single one waits for the
      // next reply (each message costs a cross-thread wake-up, ~50 µs on a VM)
      if (lane.inFlight.size > 0 && this.commits.length === 0 && this.queue.length < TOP_UP) return;
      const room = PIPELINE_DEPTH - lane.inFlight.size;
      // renames are quick: each worker takes its share of a flushed group in one message
      const share = Math.min(COMMIT_BATCH, Math.ceil(this.commits.length / this.size));
      const batch = this.commits.splice(0, Math.max(room, share));
      // a long queue goes out in bigger messages: each message costs a cross-thread wake-up
      // (~50 µs on a VM), more than the copy of a small file
      const copies = Math.max(room, Math.min(QUEUE_BATCH, Math.ceil(this.queue.length / this.size)));
      if (batch.length < copies) batch.push(...this.queue.splice(0, copies - batch.length));
      for (const job of batch) lane.inFlight.add(job.id);
      lane.worker.ref();
      lane.worker.postMessage(packTasks(batch));
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
    worker.on("message", (packed: string) => {
      const replies = unpackReplies(packed);
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
    const outcome = reply.outcome;
    if (outcome?.kind === "staged") {
      this.stage(reply.id, pending, outcome);
      return;
    }
    this.forget(reply.id, pending);
    if (outcome?.kind === "committed") pending.resolve({ kind: "copied", size: pending.staged!.size, mtime: pending.staged!.mtime });
    else if (outcome) pending.resolve(outcome);
    else pending.reject(new CopyFailure(reply.error?.message ?? "copy failed", reply.error?.code, reply.error?.syscall, reply.error?.side ?? "target"));
  }

  /** Drops a settled copy from the books. */
  private forget(id: number, pending: Pending): void {
    this.pending.delete(id);
    if (pending.staged) this.staged--;
    if (pending.parked) this.parked--;
  }

  private stage(id: number, pending: Pending, outcome: Staged): void {
    pending.staged = { size: outcome.size, mtime: outcome.mtime };
    this.staged++;
    let group = this.groups.get(outcome.dev);
    if (!group) {
      group = { sync: this.syncFor(dirname(pending.final)), waiting: [], flushing: false };
      this.groups.set(outcome.dev, group);
    }
    group.waiting.push(id);
    if (pending.onCommitWait && this.parked < MAX_PARKED) {
      pending.parked = true;
      this.parked++;
      pending.onCommitWait();
    }
    this.schedule(group);
  }

  /** Arranges the next flush of a group (see GROUP_FILES). */
  private schedule(group: CommitGroup): void {
    if (group.flushing || group.waiting.length === 0 || this.closed) return;
    if (group.waiting.length >= GROUP_FILES) {
      void this.flush(group);
      return;
    }
    group.timer ??= setTimeout(() => void this.flush(group), GROUP_DELAY_MS);
    // after the callers have had their turn: if none started another copy, flush now
    group.idleCheck ??= setImmediate(() => {
      group.idleCheck = undefined;
      if (this.pending.size === this.staged) void this.flush(group);
    });
  }

  /**
   * One flush at a time per filesystem: what is staged while it runs waits for the next one.
   * Only after the flush are the files renamed into place (by the workers, before any new copy).
   */
  private async flush(group: CommitGroup): Promise<void> {
    clearTimeout(group.timer);
    group.timer = undefined;
    if (group.idleCheck) clearImmediate(group.idleCheck);
    group.idleCheck = undefined;
    if (group.flushing || group.waiting.length === 0 || this.closed) return;
    group.flushing = true;
    const ids = group.waiting.splice(0);
    const flushed = await group.sync.flush();
    group.flushing = false;
    if (this.closed) return;
    // a failed flush: these files (and every later copy) are fsync'ed one by one
    if (!flushed) this.groupCommit = false;
    for (const id of ids) {
      const pending = this.pending.get(id);
      if (pending) this.commits.push({ op: "commit", id, temp: pending.temp, final: pending.final, fsync: !flushed });
    }
    this.pump();
    this.schedule(group);
  }

  /** A worker that died fails the jobs it held (retryably: the transfer runs again); the pool goes on without it. */
  private lose(lane: Lane, e: Error): void {
    const index = this.lanes.indexOf(lane);
    if (index < 0) return;
    this.lanes.splice(index, 1);
    const failure = new CopyFailure(`a copy worker failed: ${e.message}`, "EAGAIN", undefined, "target");
    for (const id of lane.inFlight) {
      const pending = this.pending.get(id);
      if (!pending) continue;
      this.forget(id, pending);
      pending.reject(failure);
    }
    lane.inFlight.clear();
    if (!this.closed) this.pump();
  }

  private failAll(e: Error): void {
    for (const { reject, staged, temp } of this.pending.values()) {
      // a staged copy's temp file is complete and nobody will rename it now
      if (staged) {
        try {
          unlinkSync(temp);
        } catch {
          // already gone; a leftover temp is swept by the next run anyway
        }
      }
      reject(e);
    }
    this.pending.clear();
    this.staged = 0;
    this.parked = 0;
    this.queue.length = 0;
    this.commits.length = 0;
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
