import type { SyncOptions } from "@ferry/sdk";
import { usageError } from "../errors.js";
import { clusterSettings } from "../flags/cluster.js";
import { compareSettings } from "../flags/compare.js";
import type { FlagValues } from "../flags/flag-values.js";
import { filterSettings, type ReadText } from "../flags/filters.js";
import { deleteIntent, runDeletes, safetySettings } from "../flags/safety.js";
import { attributeSettings, transferSettings } from "../flags/transfer.js";

export type OneWayCommand = "sync" | "copy" | "move" | "plan";

export interface SyncFlagsResult {
  /** SDK options from flags alone (locations, callbacks and adapter options are added by the command) */
  options: SyncOptions & { minWorkers?: number; batchKeys?: number; batchBytes?: number };
  /** the run may delete on the destination */
  deletes: boolean;
  dryRun: boolean;
}

/**
 * The pure part of sync/copy/move/plan: flags → SDK options, and every check that needs only
 * the flags. Nothing here touches a location.
 */
export function syncOptionsFromFlags(command: OneWayCommand, flags: FlagValues, read?: ReadText): SyncFlagsResult {
  const intent = deleteIntent(flags);
  if ((command === "copy" || command === "move") && flags.bool("delete")) {
    throw usageError(`ferry ${command} never deletes destination keys; ${flags.given("delete")} is not allowed here`, "use `ferry sync --delete` to mirror");
  }
  if ((command === "copy" || command === "move") && intent.mode !== undefined && runDeletes(intent)) {
    throw usageError(`ferry ${command} never deletes destination keys; --mode ${intent.mode} deletes`, "use `ferry sync --mode …` for that mode");
  }
  const deletes = runDeletes(intent);
  const dryRun = command === "plan" || flags.bool("dry-run");
  const options: SyncFlagsResult["options"] = {
    ...filterSettings(flags, read),
    ...compareSettings(flags),
    ...transferSettings(flags),
    ...safetySettings(flags, deletes),
    ...clusterSettings(flags),
  };
  const attributes = attributeSettings(flags);
  if (attributes) options.attributes = attributes;
  if (intent.mode !== undefined) options.mode = intent.mode;
  if (intent.delete) options.delete = true;
  if (command === "move") options.deleteSource = true;
  if (dryRun) options.dryRun = true;
  // The CLI streams events; collecting every key into arrays would grow with the run.
  options.collectKeys = false;
  return { options, deletes, dryRun };
}
