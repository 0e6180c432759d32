import type { Entry } from "./adapter.js";

/**
 * What the planner decides and the executor carries out. Sides are named by the run's two
 * locations: "src" (first argument) and "dst" (second). One-way modes that flow dst → src
 * (destinationToSource, destinationBackup) and two-way sync produce actions whose `from` is
 * "dst".
 */
export type Side = "src" | "dst";

export const otherSide = (s: Side): Side => (s === "src" ? "dst" : "src");

export type TransferReason =
  | "new" // the key is missing on the receiving side
  | "size" // sizes differ
  | "mtime" // modification times differ
  | "etag" // etags differ
  | "checksum" // content hashes differ
  | "custom" // a custom comparator said different
  | "forced" // --ignore-times / --force-update
  | "changed" // bisync: changed since the last agreed state
  | "conflict"; // bisync: conflict winner

export interface TransferAction {
  type: "transfer";
  /** key on the sending side */
  key: string;
  /** key on the receiving side (differs from `key` under transformKey / conflict renames) */
  targetKey: string;
  from: Side;
  to: Side;
  source: Entry;
  /** the receiving side's entry when it exists (it will be replaced) */
  target?: Entry;
  reason: TransferReason;
}

export type DeleteReason = "extraneous" | "excluded" | "deleted-on-other-side" | "moved" | "initial-wins";

export interface DeleteAction {
  type: "delete";
  key: string;
  side: Side;
  entry: Entry;
  reason: DeleteReason;
}

export interface MoveAction {
  type: "move";
  side: Side;
  fromKey: string;
  toKey: string;
  entry: Entry;
  reason: "rename" | "conflict-keep-both";
}

export type SkipReason =
  | "identical"
  | "dst-newer" // --update
  | "ignore-existing"
  | "existing-only" // --existing: would have been created
  | "mode" // the mode does not allow this direction
  | "invalid-key"
  | "unsupported-type" // special files, symlinks on adapters without symlinks
  | "changed-since-plan" // apply: a side changed after the plan was made
  | "unchanged"; // bisync: a copy one side holds alone, as agreed at the last run, unchanged since

export interface SkipAction {
  type: "skip";
  key: string;
  reason: SkipReason;
  /** the entry the skip concerns (source side when there is one) */
  entry?: Entry;
  side?: Side;
  detail?: string;
}

export interface ConflictRecord {
  key: string;
  src?: Entry;
  dst?: Entry;
  resolution: string;
  /** the side whose version kept the key's name, when one did */
  winner?: Side;
  /** where the losing version was kept, when it was kept */
  keptAs?: { side: Side; key: string };
}

export type PlannedAction = TransferAction | DeleteAction | MoveAction;
export type Action = PlannedAction | SkipAction;
