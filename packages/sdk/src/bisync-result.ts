import { type ConflictRecord, type EventSink, FerryError, type FerryEvent, type RunSummary, type Side } from "@ferry/core";
import type { BisyncRename, BisyncResult } from "./bisync-options.js";
import type { ProgressInfo } from "./options.js";

/**
 * Turns the engine's events into the bisync result: transfers split by direction, deletes by
 * side, renames, conflicts. In a dry run the planned actions fill the lists. Key lists are
 * kept only when asked (the CLI keeps memory flat); conflicts are always kept.
 */
export function bisyncCollector(options: {
  collectKeys?: boolean;
  dryRun?: boolean;
  onEvent?: EventSink;
  onProgress?: (info: ProgressInfo) => void;
}) {
  const keep = options.collectKeys !== false;
  const dry = !!options.dryRun;
  const uploaded: string[] = [];
  const downloaded: string[] = [];
  const deleted: Record<Side, string[]> = { src: [], dst: [] };
  const renamed: BisyncRename[] = [];
  const conflicts: ConflictRecord[] = [];
  const skipped: string[] = [];
  const errors: Array<{ key: string; error: FerryError }> = [];
  let done = 0;
  let total = 0;

  const progress = (key: string, status: ProgressInfo["status"], bytes?: number) => {
    if (!options.onProgress || dry) return;
    done++;
    options.onProgress({ done, total: Math.max(total, done), key, status, ...(bytes !== undefined ? { bytes } : {}) });
  };

  const note = (action: Extract<FerryEvent, { type: "plan" }>["action"]) => {
    if (!keep) return;
    if (action.type === "transfer") (action.to === "dst" ? uploaded : downloaded).push(action.targetKey);
    else if (action.type === "delete") deleted[action.side].push(action.key);
    else if (action.reason === "rename") renamed.push({ side: action.side, from: action.fromKey, to: action.toKey });
  };

  const onEvent: EventSink = (event: FerryEvent) => {
    switch (event.type) {
      case "plan":
        total++;
        if (dry) note(event.action);
        break;
      case "skip":
        if (event.action.reason === "invalid-key") break;
        total++;
        if (keep) skipped.push(event.action.key);
        progress(event.action.key, "skipped");
        break;
      case "transfer":
        note(event.action);
        progress(event.action.targetKey, "uploaded", event.bytes);
        break;
      case "delete":
        note(event.action);
        progress(event.action.key, "deleted");
        break;
      case "move":
        note(event.action);
        progress(event.action.toKey, "moved");
        break;
      case "conflict":
        conflicts.push(event.conflict);
        break;
      case "error": {
        const key = event.error.key ?? (event.action ? ("key" in event.action ? event.action.key : event.action.fromKey) : "");
        const error = new FerryError(event.error.code, event.error.message, {
          ...(event.error.adapter ? { adapter: event.error.adapter } : {}),
          key,
          retryable: event.error.retryable,
        });
        if (errors.length < 10_000 || keep) errors.push({ key, error });
        progress(key, "failed");
        break;
      }
    }
    options.onEvent?.(event);
  };

  const result = (summary: RunSummary, extra: { firstRun: boolean; stateSaved: boolean; statePath: string }): BisyncResult => ({
    uploaded,
    downloaded,
    deleted,
    renamed,
    conflicts,
    skipped,
    ...(errors.length ? { errors } : {}),
    ...extra,
    stats: summary,
  });
  return { onEvent, result };
}
