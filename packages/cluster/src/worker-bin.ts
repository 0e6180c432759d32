#!/usr/bin/env node
/**
 * A standalone worker entry (`node dist/worker-bin.js --queue redis://…`) for tests, benches
 * and machines without the CLI. `ferry worker` is the full-featured face of the same runWorker.
 */
import { parseArgs } from "node:util";
import { isFerryError } from "@ferry/core";
import { type WorkerEvent, runWorker } from "./worker.js";

const USAGE = `usage: worker-bin --queue redis://[user:password@]host:port[/db][?queue=name]
  [--concurrency N] [--transfers N] [--bwlimit 10M] [--tpslimit N]
  [--lock-duration MS] [--stalled-interval MS] [--option name=value ...] [--json]
The queue URL may also come from FERRY_QUEUE. Credentials for locations come from this
process's environment (AWS_*, AZURE_STORAGE_*, …) and --option settings.`;

const EXIT = { usage: 2, unreachable: 3, failure: 1 } as const;

function fail(message: string, code: number): never {
  process.stderr.write(`worker: ${message}\n`);
  process.exit(code);
}

let args;
try {
  args = parseArgs({
    options: {
      queue: { type: "string" },
      concurrency: { type: "string" },
      transfers: { type: "string" },
      bwlimit: { type: "string" },
      tpslimit: { type: "string" },
      "lock-duration": { type: "string" },
      "stalled-interval": { type: "string" },
      option: { type: "string", multiple: true },
      json: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  }).values;
} catch (e) {
  fail(`${(e as Error).message}\n${USAGE}`, EXIT.usage);
}
if (args.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const queue = args.queue ?? process.env.FERRY_QUEUE;
if (!queue) fail(`--queue is required\n${USAGE}`, EXIT.usage);

const int = (name: string, v: string | undefined) => {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) fail(`--${name} must be a whole number of at least 1 (got ${JSON.stringify(v)})`, EXIT.usage);
  return n;
};
const adapterOptions: Record<string, unknown> = {};
for (const pair of args.option ?? []) {
  const eq = pair.indexOf("=");
  if (eq < 1) fail(`--option takes name=value (got ${JSON.stringify(pair)})`, EXIT.usage);
  adapterOptions[pair.slice(0, eq)] = pair.slice(eq + 1);
}

const print = args.json
  ? (e: WorkerEvent) => process.stdout.write(`${JSON.stringify(e)}\n`)
  : (e: WorkerEvent) => process.stderr.write(`${describe(e)}\n`);

function describe(e: WorkerEvent): string {
  switch (e.type) {
    case "worker-ready":
      return `worker ${e.worker} ready on ${e.queue} (${e.concurrency} batches at a time)`;
    case "batch-start":
      return `batch ${e.batch}: ${e.keys} keys, ${e.bytes} bytes${e.attempt > 1 ? ` (attempt ${e.attempt})` : ""}`;
    case "batch-done":
      return `batch ${e.batch}: ${e.transferred} transferred, ${e.failed} failed, ${e.bytes} bytes in ${e.elapsedMs} ms`;
    case "batch-dropped":
      return `batch ${e.batch}: dropped, ${e.reason}`;
    case "batch-failed":
      return `batch ${e.batch} failed${e.willRetry ? " (handed back for another try)" : ""}: ${e.error.message}`;
    case "worker-warning":
      return `warning: ${e.message}`;
    case "worker-stopping":
      return "stopping: finishing the batches in hand";
    case "worker-stopped":
      return "stopped";
  }
}

// first SIGTERM/SIGINT: finish the batches in hand; a second one: leave now (the queue
// re-delivers whatever was running once its lock expires)
const stop = new AbortController();
const onSignal = (signal: NodeJS.Signals) => {
  if (stop.signal.aborted) process.exit(signal === "SIGINT" ? 130 : 143);
  stop.abort();
};
process.on("SIGTERM", onSignal);
process.on("SIGINT", onSignal);

try {
  await runWorker({
    queue,
    signal: stop.signal,
    onEvent: print,
    adapterOptions,
    ...(args.concurrency !== undefined ? { concurrency: int("concurrency", args.concurrency)! } : {}),
    ...(args.transfers !== undefined ? { transfers: int("transfers", args.transfers)! } : {}),
    ...(args.bwlimit !== undefined ? { bwlimit: args.bwlimit } : {}),
    ...(args.tpslimit !== undefined ? { tpslimit: int("tpslimit", args.tpslimit)! } : {}),
    ...(args["lock-duration"] !== undefined ? { lockDurationMs: int("lock-duration", args["lock-duration"])! } : {}),
    ...(args["stalled-interval"] !== undefined ? { stalledIntervalMs: int("stalled-interval", args["stalled-interval"])! } : {}),
  });
  process.exit(0);
} catch (e) {
  const message = e instanceof Error ? e.message : String(e);
  const hint = isFerryError(e) && e.hint ? `\n  hint: ${e.hint}` : "";
  const code = isFerryError(e) ? (e.code === "Usage" ? EXIT.usage : e.code === "Unreachable" || e.code === "Unauthorized" ? EXIT.unreachable : EXIT.failure) : EXIT.failure;
  fail(`${message}${hint}`, code);
}
