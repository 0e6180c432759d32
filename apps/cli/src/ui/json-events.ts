import type { FerryEvent } from "@ferry/core";
import { transferVerb } from "./describe.js";
import type { RunContext } from "./run-context.js";

/**
 * The NDJSON event shapes (documented field by field in the README). Flat objects with
 * stable names: scripts should never have to reach into the engine's internal structures.
 */
export type JsonEvent = Record<string, unknown> & { type: string };

const strip = (o: Record<string, unknown>): JsonEvent => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as JsonEvent;

export function toJsonEvent(ctx: RunContext, event: FerryEvent): JsonEvent | undefined {
  switch (event.type) {
    case "phase":
      return { type: "phase", phase: event.phase };
    case "plan": {
      const a = event.action;
      if (a.type === "transfer") {
        return strip({ type: "plan", op: transferVerb(ctx, a), key: a.key, targetKey: a.targetKey !== a.key ? a.targetKey : undefined, from: a.from, to: a.to, bytes: a.source.size, reason: a.reason });
      }
      if (a.type === "delete") return strip({ type: "plan", op: "delete", key: a.key, side: a.side, bytes: a.entry.size, reason: a.reason });
      return strip({ type: "plan", op: "move", key: a.fromKey, toKey: a.toKey, side: a.side, reason: a.reason });
    }
    case "skip":
      return strip({ type: "skip", key: event.action.key, reason: event.action.reason, detail: event.action.detail, side: event.action.side });
    case "transfer": {
      const a = event.action;
      return strip({
        type: "transfer",
        op: transferVerb(ctx, a, event.op),
        key: a.key,
        targetKey: a.targetKey !== a.key ? a.targetKey : undefined,
        from: a.from,
        to: a.to,
        bytes: event.bytes,
        ms: Math.round(event.elapsedMs),
        reason: a.reason,
        // the verb stays aws-style ("copy"); this says the adapter copied the object itself
        serverSide: event.op === "server-copy" ? true : undefined,
        dryRun: event.dryRun,
      });
    }
    case "delete":
      return { type: "delete", key: event.action.key, side: event.action.side, reason: event.action.reason, dryRun: event.dryRun };
    case "move":
      return { type: "move", key: event.action.fromKey, toKey: event.action.toKey, side: event.action.side, reason: event.action.reason, dryRun: event.dryRun };
    case "conflict":
      return strip({ type: "conflict", key: event.conflict.key, resolution: event.conflict.resolution, keptAs: event.conflict.keptAs });
    case "error": {
      const a = event.action;
      const key = a ? (a.type === "move" ? a.fromKey : a.key) : event.error.key;
      const side = a ? (a.type === "transfer" ? a.from : a.side) : event.side;
      return strip({
        type: "error",
        op: a?.type === "transfer" ? transferVerb(ctx, a) : event.op,
        key,
        side,
        code: event.error.code,
        message: event.error.message,
        adapter: event.error.adapter,
        retryable: event.error.retryable,
      });
    }
    case "warning":
      return strip({ type: "warning", key: event.key, message: event.message });
    case "progress":
      return { type: "progress", ...event.stats };
    case "summary": {
      const { reason, ...rest } = event.summary;
      return strip({ type: "summary", ...rest, throughput: Math.round(rest.throughput), reason });
    }
    default:
      return undefined;
  }
}
