import { emptyStats, type FerryEvent, type RunSummary, type TransferAction, type DeleteAction } from "@ferry/core";
import type { OutputSettings } from "../src/flags/output.js";
import { SecretScrubber } from "../src/secrets.js";
import type { RunContext } from "../src/ui/run-context.js";

export function context(overrides: Partial<RunContext> = {}, output: Partial<OutputSettings> = {}): RunContext {
  return {
    command: "sync",
    sides: { src: { display: "./site", local: true }, dst: { display: "s3://b/site", local: false } },
    dryRun: false,
    output: { json: false, verbosity: "normal", progress: true, yes: false, debug: false, ...output },
    scrubber: new SecretScrubber(),
    ...overrides,
  };
}

export const transfer = (key: string, size = 10): TransferAction => ({
  type: "transfer",
  key,
  targetKey: key,
  from: "src",
  to: "dst",
  source: { key, size, mtime: 1_700_000_000_000 },
  reason: "new",
});

export const del = (key: string): DeleteAction => ({ type: "delete", key, side: "dst", entry: { key, size: 3 }, reason: "extraneous" });

export function summary(overrides: Partial<RunSummary> = {}): RunSummary {
  return {
    ...emptyStats(),
    foundSrc: 3,
    foundDst: 2,
    skipped: 1,
    toTransfer: 2,
    toTransferBytes: 30,
    transferred: 2,
    transferredBytes: 30,
    bytesDone: 30,
    toDelete: 1,
    deleted: 1,
    elapsedMs: 1500,
    outcome: "success",
    dryRun: false,
    throughput: 20,
    ...overrides,
  };
}

/** A small complete run: listing, a plan with two uploads and a delete, one failure. */
export function runEvents(): FerryEvent[] {
  const a = transfer("a.txt", 10);
  const b = transfer("dir/b.txt", 20);
  const d = del("old.txt");
  return [
    { type: "phase", phase: "listing" },
    { type: "phase", phase: "planning" },
    { type: "plan", action: a },
    { type: "plan", action: b },
    { type: "plan", action: d },
    { type: "skip", action: { type: "skip", key: "same.txt", reason: "identical" } },
    { type: "skip", action: { type: "skip", key: "../../etc/passwd", reason: "invalid-key", detail: "contains .." } },
    { type: "phase", phase: "transferring" },
    { type: "transfer-start", action: a, op: "upload" },
    { type: "transfer", action: a, op: "upload", bytes: 10, elapsedMs: 3, dryRun: false },
    { type: "transfer-start", action: b, op: "upload" },
    { type: "error", action: b, op: "transfer", error: { code: "Provider", message: "503 Slow Down", retryable: false } },
    { type: "warning", key: "fifo", message: "special file skipped" },
    { type: "phase", phase: "deleting" },
    { type: "delete", action: d, dryRun: false },
    { type: "phase", phase: "done" },
  ];
}
