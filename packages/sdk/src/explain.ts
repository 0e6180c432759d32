import type { Entry, FilterDecision } from "@ferry/core";
import type { Location, SyncOptions } from "./options.js";
import { prepareRun } from "./prepare.js";

export interface Explanation {
  key: string;
  filter: FilterDecision;
  src?: Entry;
  dst?: Entry;
  /** what a sync would do with the key, in words */
  decision: string;
}

/** Why a key would be transferred, skipped, deleted or left out (`ferry plan --explain KEY`). */
export async function explain(src: Location, dst: Location, key: string, options: SyncOptions = {}): Promise<Explanation> {
  const run = await prepareRun(src, dst, { ...options, dryRun: true, start: key, end: key }, "plan");
  try {
    const [s, d] = await Promise.all([run.adapters.src.stat(key), run.adapters.dst.stat(key)]);
    const entry = s ?? d;
    const filter = run.filter.explain(key, entry);
    let decision = "";
    if (filter.included || !entry) {
      for await (const action of run.plan()) {
        const k = action.type === "move" ? action.fromKey : action.type === "transfer" ? action.targetKey : action.key;
        if (k !== key) continue;
        decision =
          action.type === "transfer"
            ? `transfer ${action.from} → ${action.to} (${action.reason})`
            : action.type === "delete"
              ? `delete from ${action.side} (${action.reason})`
              : action.type === "skip"
                ? `skip (${action.reason}${action.detail ? `: ${action.detail}` : ""})`
                : `move on ${action.side}`;
      }
    }
    if (!decision) decision = !s && !d ? "not found on either side" : filter.included ? "nothing to do" : "excluded by the filters";
    return { key, filter, ...(s ? { src: s } : {}), ...(d ? { dst: d } : {}), decision };
  } finally {
    await run.close();
  }
}
