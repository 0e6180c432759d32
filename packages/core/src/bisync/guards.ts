import type { Side } from "../actions.js";
import { DEFAULT_MAX_DELETE, type DeleteLimit } from "../execute/guards.js";

/** What the planner counted per side; the guards read it once the whole plan is drawn. */
export interface BisyncCounts {
  /** keys listed on each side and selected by the filters */
  inScope: Record<Side, number>;
  /** keys each side held in the saved state */
  inState: Record<Side, number>;
  /** planned deletions on each side (renames and conflict copies are not deletions) */
  deletes: Record<Side, number>;
}

export const emptyBisyncCounts = (): BisyncCounts => ({
  inScope: { src: 0, dst: 0 },
  inState: { src: 0, dst: 0 },
  deletes: { src: 0, dst: 0 },
});

export interface BisyncGuardOptions {
  maxDelete?: DeleteLimit;
  force?: boolean;
  /** how each side is named in messages */
  names?: Record<Side, string>;
}

/**
 * SPEC §6 for two sides: each side's deletions are held against that side's own keys
 * (default 50%), and a side that lists nothing while the state says it had keys — an
 * unmounted disk, an emptied bucket, a wrong prefix — never has that "deletion" propagated.
 * Returns the refusal reason, or undefined when the plan may go ahead.
 */
export function checkBisyncGuards(counts: BisyncCounts, options: BisyncGuardOptions = {}): string | undefined {
  if (options.force) return undefined;
  const names = options.names ?? { src: "the source", dst: "the destination" };
  for (const side of ["src", "dst"] as const) {
    const other: Side = side === "src" ? "dst" : "src";
    if (counts.deletes[other] > 0 && counts.inScope[side] === 0 && counts.inState[side] > 0) {
      return `${names[side]} lists no keys although the last run saw ${counts.inState[side]}: refusing to delete ${plural(counts.deletes[other])} on ${names[other]}; nothing was changed (use --force if ${names[side]} was really emptied)`;
    }
  }
  const limit = options.maxDelete ?? DEFAULT_MAX_DELETE;
  for (const side of ["src", "dst"] as const) {
    const n = counts.deletes[side];
    if (n === 0) continue;
    const scope = counts.inScope[side];
    const allowed = limit.kind === "count" ? limit.value : Math.floor((limit.value / 100) * scope);
    if (n > allowed) {
      const what = limit.kind === "count" ? `--max-delete ${limit.value}` : `--max-delete ${limit.value}% (${allowed} of ${scope} keys)`;
      return `the plan would delete ${plural(n)} on ${names[side]}, more than ${what}; nothing was changed (raise --max-delete or use --force)`;
    }
  }
  return undefined;
}

const plural = (n: number) => `${n} key${n === 1 ? "" : "s"}`;
