import { formatBytes, formatDuration } from "./format.js";

/** One line for a `ferry worker` event (plain mode); undefined for events not worth a line. */
export function workerEventLine(e: Record<string, unknown> & { type: string }, verbose: boolean): string | undefined {
  switch (e.type) {
    case "worker-ready":
      return `worker ${String(e.worker)}: ready on ${String(e.queue)} (${String(e.concurrency)} batches at once)`;
    case "batch-start":
      return verbose ? `batch ${String(e.batch)}: started (${String(e.keys)} keys, ${formatBytes(Number(e.bytes))}, attempt ${String(e.attempt)})` : undefined;
    case "batch-done":
      return `batch ${String(e.batch)}: ${String(e.transferred)} transferred, ${String(e.failed)} failed, ${formatBytes(Number(e.bytes))} in ${formatDuration(Number(e.elapsedMs))}`;
    case "batch-dropped":
      return `batch ${String(e.batch)}: dropped (${String(e.reason)})`;
    case "batch-failed": {
      const error = e.error as { message?: string } | undefined;
      return `batch ${String(e.batch)} failed: ${error?.message ?? "unknown error"}${e.willRetry ? " (will be retried)" : ""}`;
    }
    case "worker-warning":
      return `warning: ${String(e.message)}`;
    case "worker-stopping":
      return `worker ${String(e.worker)}: stopping after the running batches`;
    case "worker-stopped":
      return `worker ${String(e.worker)}: stopped`;
    default:
      return verbose ? `${e.type}` : undefined;
  }
}
