/**
 * The body of a listing worker (see walk-offload.ts): runs the same sorted walk as the main
 * thread, with its synchronous lstats, and ships the entries in packed batches.
 */
import { parentPort, workerData } from "node:worker_threads";
import type { Entry } from "@ferry/core";
// only the small entry points of core: the worker should be walking within milliseconds
import { toFerryError } from "@ferry/core/errors";
import { ADAPTER } from "./fs-errors.js";
import { walkSortedBatches, type WalkOptions } from "./walk.js";
import { BATCH_ENTRIES, encodeBatch, type WalkRequest, type WorkerMessage } from "./walk-protocol.js";

const port = parentPort;
if (!port) throw new Error("walk-worker.ts runs only as a worker thread");
const request = workerData as WalkRequest;

/** batches the main thread has room for; it grants one more per batch it takes */
let credits = 2;
let granted: (() => void) | undefined;
let started: ((startAfter: string | undefined) => void) | undefined;
const start = new Promise<string | undefined>((resolve) => (started = resolve));

port.on("message", (m: { t: "start"; startAfter?: string } | { t: "more" }) => {
  if (m.t === "start") started?.(m.startAfter);
  else {
    credits++;
    granted?.();
    granted = undefined;
  }
});

function send(message: WorkerMessage, transfer: ArrayBuffer[] = []): void {
  port!.postMessage(message, transfer);
}

async function credit(): Promise<void> {
  while (credits === 0) await new Promise<void>((resolve) => (granted = resolve));
  credits--;
}

async function flush(batch: Entry[]): Promise<void> {
  await credit();
  const message = encodeBatch(batch);
  send(message, [message.numbers.buffer as ArrayBuffer]);
}

async function run(): Promise<void> {
  const startAfter = await start;
  const options: WalkOptions = {
    root: request.root,
    links: request.links,
    dirs: request.dirs,
    ...(startAfter !== undefined ? { startAfter } : {}),
    ...(request.concurrency !== undefined ? { concurrency: request.concurrency } : {}),
    warn: (message, key) => send({ t: "warn", message, ...(key !== undefined ? { key } : {}) }),
  };
  try {
    for await (const batch of walkSortedBatches(request.prefix, { ...options, batchSize: BATCH_ENTRIES })) await flush(batch);
    send({ t: "end" });
  } catch (e) {
    const error = toFerryError(e, { adapter: ADAPTER });
    send({ t: "error", code: error.code, message: error.message, retryable: error.retryable, ...(error.key !== undefined ? { key: error.key } : {}) });
  }
}

// loaded and waiting: the main thread hands the walk over at its next entry
send({ t: "ready" });
void run();
