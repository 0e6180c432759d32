import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { FerryError, batchedListing, type BatchedListing, type Entry } from "@ferry/core";
import { ADAPTER, aborted } from "./fs-errors.js";
import { walkSortedBatches, type WalkOptions } from "./walk.js";
import { decodeBatch, type WalkRequest, type WorkerMessage } from "./walk-protocol.js";

/**
 * A big walk moves to a worker thread. On the main thread a walk's synchronous lstats (one per
 * file) share one core with the other side's walk, the planner and the transfers: a 100k-file
 * no-op sync was bound by that one core while the second idled. A listing starts here, in
 * process (a small listing never pays for a thread); past SPAWN_AFTER entries a worker is
 * started, and once it has loaded it takes over from the last key yielded (the walk resumes
 * exactly with `startAfter`), sending entries back in packed batches.
 */
const SPAWN_AFTER = 250;
/**
 * …or when the walk is still going after this long: a cold disk can take 100 ms for the first
 * 250 entries, and the worker takes as long again to load, so it should load meanwhile.
 */
const SPAWN_AFTER_MS = 15;
/** hand over here at the latest, waiting for the worker if it is still loading */
const HAND_OVER_AFTER = 5_000;

let workerScript: URL | null | undefined;

/**
 * The compiled worker beside this module; from sources (under vitest) the built one in
 * ../dist. Without either (sources never built), walks stay on the main thread.
 */
function walkWorkerScript(): URL | undefined {
  if (workerScript === undefined) {
    const candidates = [new URL("./walk-worker.js", import.meta.url), new URL("../dist/walk-worker.js", import.meta.url)];
    workerScript = candidates.find((url) => url.protocol === "file:" && existsSync(fileURLToPath(url))) ?? null;
  }
  return workerScript ?? undefined;
}

/** True when big walks can move to a worker (the compiled worker module is there). */
export function walkWorkerAvailable(): boolean {
  return walkWorkerScript() !== undefined;
}

export interface OffloadOptions extends WalkOptions {
  /** entries listed in process before a worker takes over (tests lower it) */
  handOverAfter?: number;
}

/**
 * A walk allocates a Stats (with four Dates), a few small objects and strings per entry, all
 * short-lived: a roomier young generation means fewer scavenges (100k-entry no-op: CPU −5%,
 * peak RSS unchanged, since the space grows only as it is used).
 */
const YOUNG_GENERATION_MB = 48;

/** Entries of the in-process part handed on together (the planner takes a batch per await). */
const IN_PROCESS_BATCH = 256;

/** The local walk as a batched listing (see ENTRY_BATCHES in @ferry/core). */
export function walkLocal(prefix: string, options: OffloadOptions): BatchedListing {
  return batchedListing(() => walkBatches(prefix, options));
}

async function* walkBatches(prefix: string, options: OffloadOptions): AsyncGenerator<Entry[]> {
  const script = walkWorkerScript();
  const handOverAfter = options.handOverAfter ?? HAND_OVER_AFTER;
  const spawnAfter = Math.min(SPAWN_AFTER, handOverAfter);
  let worker: ListingWorker | undefined;
  let last: string | undefined;
  let count = 0;
  let handOver = false;
  const spawn = () => {
    if (!worker && script) worker = new ListingWorker(script, { prefix, root: options.root, links: options.links, dirs: options.dirs, ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}) });
  };
  // a test that sets handOverAfter pins where the worker takes over: no timer then
  const spawnTimer = script && options.handOverAfter === undefined ? setTimeout(spawn, SPAWN_AFTER_MS) : undefined;
  spawnTimer?.unref();
  try {
    for await (const batch of walkSortedBatches(prefix, { ...options, batchSize: Math.min(IN_PROCESS_BATCH, spawnAfter) })) {
      last = batch[batch.length - 1]!.key;
      count += batch.length;
      yield batch;
      if (!script) continue;
      if (count >= spawnAfter) spawn();
      if (worker?.ready || count >= handOverAfter) {
        handOver = true;
        break;
      }
    }
    clearTimeout(spawnTimer);
    if (handOver && worker) yield* worker.batches(last, options);
  } finally {
    clearTimeout(spawnTimer);
    void worker?.stop();
  }
}

/**
 * The worker is compiled JavaScript and must load its dependencies compiled too: a "source"
 * export condition (how the test runner points packages at their TypeScript) is not passed on.
 */
function compiledExecArgv(): string[] {
  const out: string[] = [];
  const argv = process.execArgv;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--conditions" || arg === "-C") {
      if (argv[i + 1] !== "source") out.push(arg, argv[i + 1]!);
      i++;
    } else if (!/^(--conditions|-C)=source$/.test(arg)) out.push(arg);
  }
  return out;
}

/** One walk on a worker thread, pulled batch by batch. */
class ListingWorker {
  private readonly worker: Worker;
  private readonly inbox: Array<WorkerMessage | { t: "stopped"; why: string }> = [];
  private wake: (() => void) | undefined;
  /** the worker has loaded its modules and waits for "start" */
  ready = false;

  constructor(script: URL, request: WalkRequest) {
    this.worker = new Worker(script, {
      workerData: request,
      execArgv: compiledExecArgv(),
      resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
    });
    // idle until it is asked for entries; it must not hold the process open meanwhile
    this.worker.unref();
    this.worker.on("message", (m: WorkerMessage) => this.deliver(m));
    this.worker.on("error", (e) => this.deliver({ t: "stopped", why: e.message }));
    this.worker.on("exit", (code) => this.deliver({ t: "stopped", why: `exit code ${code}` }));
  }

  async *batches(startAfter: string | undefined, options: Pick<WalkOptions, "warn" | "signal">): AsyncGenerator<Entry[]> {
    const signal = options.signal;
    const onAbort = () => this.deliver({ t: "stopped", why: "aborted" });
    signal?.addEventListener("abort", onAbort, { once: true });
    this.worker.postMessage({ t: "start", ...(startAfter !== undefined ? { startAfter } : {}) });
    try {
      for (;;) {
        const m = await this.next();
        if (signal?.aborted) throw aborted("listing");
        switch (m.t) {
          case "batch":
            // ask for the next batch before handing these out: the worker walks meanwhile
            this.worker.postMessage({ t: "more" });
            yield decodeBatch(m);
            break;
          case "warn":
            options.warn(m.message, m.key);
            break;
          case "end":
            return;
          case "error":
            throw new FerryError(m.code, m.message, { adapter: ADAPTER, ...(m.key !== undefined ? { key: m.key } : {}), retryable: m.retryable });
          case "ready":
            break;
          case "stopped":
            throw new FerryError("Transient", `the listing worker stopped (${m.why})`, { adapter: ADAPTER, retryable: true });
        }
      }
    } finally {
      signal?.removeEventListener("abort", onAbort);
    }
  }

  stop(): Promise<number> {
    return this.worker.terminate();
  }

  private deliver(m: WorkerMessage | { t: "stopped"; why: string }): void {
    if (m.t === "ready") return void (this.ready = true);
    this.inbox.push(m);
    this.wake?.();
    this.wake = undefined;
  }

  private async next(): Promise<WorkerMessage | { t: "stopped"; why: string }> {
    if (this.inbox.length === 0) {
      // waiting on the worker: now it has to keep the process alive
      this.worker.ref();
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.worker.unref();
    }
    return this.inbox.shift()!;
  }
}
