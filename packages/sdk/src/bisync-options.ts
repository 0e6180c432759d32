import type { ConflictRecord, ConflictStrategy, FerryError, InitialPolicy, RunSummary, Side } from "@ferry/core";
import type { SyncModeInput, SyncOptions } from "./options.js";
import type { InteractiveOptions } from "./sync.js";

/**
 * SyncOptions that only make sense one way: deletion switches (bisync deletes by state),
 * key remapping and prefixes (the state is keyed by the two roots), delete timing and
 * backups (bisync orders its own work and keeps conflict copies), one-way modifiers and
 * --limit (a partial listing would read as deletions), and the distributed queue.
 */
export const ONE_WAY_ONLY = [
  "delete",
  "prune",
  "prefix",
  "destPrefix",
  "transformKey",
  "deleteSource",
  "deleteTiming",
  "deleteExcluded",
  "backupDir",
  "suffix",
  "limit",
  "update",
  "ignoreExisting",
  "existing",
  "forceUpdate",
  "queue",
] as const;

export interface BisyncOptions extends Omit<SyncOptions, (typeof ONE_WAY_ONLY)[number] | "mode">, InteractiveOptions {
  /** default twoWay; the one-way modes run through the same state and classification */
  mode?: SyncModeInput;
  /** who keeps a key's name when both sides changed it differently (default keep-both) */
  conflict?: ConflictStrategy;
  /** first run without state (default merge: union, no deletions) */
  initial?: InitialPolicy;
  /** ignore the saved state and start again as a first run (rebuilds the state) */
  resync?: boolean;
  /** where state and locks live (default $XDG_STATE_HOME/ferry, else ~/.local/state/ferry) */
  stateDir?: string;
}

export interface BisyncRename {
  /** the side the move was applied on (the other side is where the rename happened) */
  side: Side;
  from: string;
  to: string;
}

export interface BisyncResult {
  /** keys written to B (the second location) from A */
  uploaded: string[];
  /** keys written to A from B */
  downloaded: string[];
  /** keys deleted on each side */
  deleted: { src: string[]; dst: string[] };
  /** renames on one side applied as moves on the other */
  renamed: BisyncRename[];
  conflicts: ConflictRecord[];
  /** keys left as they were */
  skipped: string[];
  errors?: Array<{ key: string; error: FerryError }>;
  /** no saved state was used (first run, or resync) */
  firstRun: boolean;
  /** the state was written: the run succeeded and was not a dry run */
  stateSaved: boolean;
  /** the state file of this pair */
  statePath: string;
  stats: RunSummary;
}
