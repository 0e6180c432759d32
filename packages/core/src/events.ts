import type { Action, DeleteAction, MoveAction, SkipAction, Side, TransferAction, ConflictRecord } from "./actions.js";
import type { FerryErrorCode } from "./errors.js";

/** Typed events: the only output the core makes. Renderers (CLI, SDK result, JSON) consume them. */

export type Phase = "listing" | "planning" | "transferring" | "deleting" | "done";

export interface ErrorInfo {
  code: FerryErrorCode;
  message: string;
  adapter?: string;
  key?: string;
  retryable: boolean;
}

export type TransferOp = "upload" | "download" | "copy" | "server-copy";

export interface RunStats {
  /** entries listed on each side (after prefix scoping, before filters) */
  foundSrc: number;
  foundDst: number;
  /** keys the filters left out */
  excluded: number;
  /** keys found identical or skipped by a modifier */
  skipped: number;
  /** planned transfers and their bytes */
  toTransfer: number;
  toTransferBytes: number;
  /** planned deletes / moves */
  toDelete: number;
  toMove: number;
  /** completed */
  transferred: number;
  transferredBytes: number;
  /** bytes moved so far including partial transfers (for speed/ETA) */
  bytesDone: number;
  deleted: number;
  moved: number;
  failed: number;
  invalid: number;
  conflicts: number;
  elapsedMs: number;
}

export const emptyStats = (): RunStats => ({
  foundSrc: 0,
  foundDst: 0,
  excluded: 0,
  skipped: 0,
  toTransfer: 0,
  toTransferBytes: 0,
  toDelete: 0,
  toMove: 0,
  transferred: 0,
  transferredBytes: 0,
  bytesDone: 0,
  deleted: 0,
  moved: 0,
  failed: 0,
  invalid: 0,
  conflicts: 0,
  elapsedMs: 0,
});

export type RunOutcome = "success" | "partial" | "refused" | "aborted" | "limit";

export interface RunSummary extends RunStats {
  outcome: RunOutcome;
  dryRun: boolean;
  /** bytes per second over the transfer phase */
  throughput: number;
  /** why the run was refused or stopped, when it was */
  reason?: string;
}

export type FerryEvent =
  | { type: "phase"; phase: Phase }
  | { type: "plan"; action: TransferAction | DeleteAction | MoveAction }
  | { type: "skip"; action: SkipAction }
  | { type: "transfer-start"; action: TransferAction; op: TransferOp }
  | { type: "transfer-progress"; action: TransferAction; bytes: number }
  | { type: "transfer"; action: TransferAction; op: TransferOp; bytes: number; elapsedMs: number; dryRun: boolean }
  | { type: "delete"; action: DeleteAction; dryRun: boolean }
  | { type: "move"; action: MoveAction; dryRun: boolean }
  | { type: "conflict"; conflict: ConflictRecord }
  | { type: "error"; action?: Action; op: "list" | "transfer" | "delete" | "move" | "check" | "verify"; side?: Side; error: ErrorInfo }
  | { type: "warning"; key?: string; message: string }
  | { type: "progress"; stats: RunStats }
  | { type: "summary"; summary: RunSummary };

export type EventSink = (event: FerryEvent) => void;
