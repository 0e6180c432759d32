import type { SafetySettings, SyncModeInput } from "@ferry/sdk";
import { usageError } from "../errors.js";
import type { FlagValues } from "./flag-values.js";
import { MODES } from "./spec.js";
import { choiceValue, percentOrCountValue } from "./value-parsers.js";

const DELETING_MODES = new Set<string>(["sourceToDestination", "std", "mirror", "destinationToSource", "dts", "twoWay", "tw"]);
const NEVER_DELETING_MODES = new Set<string>(["sourceBackup", "sb", "copy", "destinationBackup", "db"]);

export interface DeleteIntent {
  /** true when --delete (or an alias) was given */
  delete: boolean;
  mode?: SyncModeInput;
}

/** --mode and --delete together: a mode that never deletes cannot be combined with --delete. */
export function deleteIntent(flags: FlagValues): DeleteIntent {
  const out: DeleteIntent = { delete: flags.bool("delete") };
  const mode = flags.str("mode");
  if (mode !== undefined) {
    out.mode = choiceValue(mode, flags.given("mode"), MODES);
    if (mode === "twoWay" || mode === "tw") throw usageError(`${flags.given("mode")} ${mode} keeps state between runs: use ferry bisync A B`);
    if (out.delete && NEVER_DELETING_MODES.has(mode)) {
      throw usageError(`${flags.given("delete")} conflicts with ${flags.given("mode")} ${mode}, which never deletes`, "drop --delete, or use --mode sourceToDestination");
    }
  }
  return out;
}

export function runDeletes(intent: DeleteIntent): boolean {
  return intent.delete || (intent.mode !== undefined && DELETING_MODES.has(intent.mode));
}

/** Deletion timing, guards and backups → SafetySettings. `deletes` says whether the run may delete. */
export function safetySettings(flags: FlagValues, deletes: boolean): SafetySettings {
  const out: SafetySettings = {};
  const timing = (["before", "during", "after"] as const).filter((t) => flags.bool(`delete-${t}`));
  if (timing.length > 1) {
    throw usageError(`${timing.map((t) => flags.given(`delete-${t}`)).join(" and ")} conflict: pick one moment to delete`);
  }
  const needsDelete = ["delete-excluded", ...timing.map((t) => `delete-${t}`)].filter((n) => flags.bool(n));
  if (needsDelete.length > 0 && !deletes) {
    throw usageError(`${flags.given(needsDelete[0]!)} only makes sense when deleting`, "add --delete (or a --mode that deletes)");
  }
  if (timing[0]) out.deleteTiming = timing[0];
  if (flags.bool("delete-excluded")) out.deleteExcluded = true;
  const maxDelete = flags.str("max-delete");
  if (maxDelete !== undefined) out.maxDelete = percentOrCountValue(maxDelete, flags.given("max-delete"));
  if (flags.bool("force")) out.force = true;
  const backupDir = flags.str("backup-dir");
  if (backupDir !== undefined) {
    if (backupDir.trim() === "") throw usageError(`${flags.given("backup-dir")}: the location is empty`);
    out.backupDir = backupDir;
  }
  const suffix = flags.str("suffix");
  if (suffix !== undefined) {
    if (suffix === "" || suffix.includes("/")) throw usageError(`${flags.given("suffix")}: "${suffix}" must be non-empty and contain no "/"`);
    out.suffix = suffix;
  }
  return out;
}
