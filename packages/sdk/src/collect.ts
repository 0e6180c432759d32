import { FerryError, type ConflictRecord, type EventSink, type FerryEvent, type RunSummary } from "@ferry/core";
import type { ProgressInfo, SyncResult } from "./options.js";

/**
 * Turns the engine's event stream into the SDK result (files-sdk shape) and the per-key
 * onProgress callback. Key lists are kept only when asked (the CLI keeps memory flat).
 */
export function resultCollector(options: {
  collectKeys?: boolean;
  dryRun?: boolean;
  deletes: boolean;
  onEvent?: EventSink;
  onProgress?: (info: ProgressInfo) => void;
}) {
  const keep = options.collectKeys !== false;
  const uploaded: string[] = [];
  const skipped: string[] = [];
  const deleted: string[] = [];
  const errors: Array<{ key: string; error: FerryError }> = [];
  const conflicts: ConflictRecord[] = [];
  let done = 0;
  let total = 0;

  const progress = (key: string, status: ProgressInfo["status"], bytes?: number) => {
    if (!options.onProgress || options.dryRun) return;
    done++;
    options.onProgress({ done, total: Math.max(total, done), key, status, ...(bytes !== undefined ? { bytes } : {}) });
  };

  const onEvent: EventSink = (event: FerryEvent) => {
    switch (event.type) {
      case "plan":
        total++;
        if (options.dryRun && keep) {
          if (event.action.type === "transfer") uploaded.push(event.action.targetKey);
          else if (event.action.type === "delete") deleted.push(event.action.key);
        }
        break;
      case "skip":
        if (event.action.reason === "invalid-key") break;
        total++;
        if (keep) skipped.push(event.action.key);
        progress(event.action.key, "skipped");
        break;
      case "transfer":
        if (keep) uploaded.push(event.action.targetKey);
        progress(event.action.targetKey, "uploaded", event.bytes);
        break;
      case "delete":
        if (keep) deleted.push(event.action.key);
        progress(event.action.key, "deleted");
        break;
      case "move":
        progress(event.action.toKey, "moved");
        break;
      case "conflict":
        conflicts.push(event.conflict);
        break;
      case "error": {
        const key = event.error.key ?? (event.action ? ("key" in event.action ? event.action.key : event.action.fromKey) : "");
        const err = new FerryError(event.error.code, event.error.message, {
          ...(event.error.adapter ? { adapter: event.error.adapter } : {}),
          key,
          retryable: event.error.retryable,
        });
        if (errors.length < 10_000 || keep) errors.push({ key, error: err });
        progress(key, "failed");
        break;
      }
    }
    options.onEvent?.(event);
  };

  const result = (summary: RunSummary): SyncResult => ({
    uploaded,
    skipped,
    ...(options.deletes ? { deleted } : {}),
    ...(errors.length ? { errors } : {}),
    ...(conflicts.length ? { conflicts } : {}),
    stats: summary,
  });
  return { onEvent, result };
}
