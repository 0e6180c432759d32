import { FerryError } from "../errors.js";

export type DeleteLimit = { kind: "count"; value: number } | { kind: "percent"; value: number };

export const DEFAULT_MAX_DELETE: DeleteLimit = { kind: "percent", value: 50 };

export interface GuardInput {
  toDelete: number;
  /** keys found on the side that would lose them (the scope of --max-delete N%) */
  receivingInScope: number;
  /** keys found on the sending side */
  sendingFound: number;
  maxDelete?: DeleteLimit;
  force?: boolean;
}

/**
 * The safety guards checked against the whole plan before anything is changed (SPEC §6).
 * Returns the refusal reason, or undefined when the plan may go ahead.
 */
export function checkDeleteGuards(g: GuardInput): string | undefined {
  if (g.force || g.toDelete === 0) return undefined;
  if (g.sendingFound === 0)
    return `the source is empty: refusing to delete ${g.toDelete} key${g.toDelete === 1 ? "" : "s"} (use --force if that is really what you want)`;
  const limit = g.maxDelete ?? DEFAULT_MAX_DELETE;
  const allowed = limit.kind === "count" ? limit.value : Math.floor((limit.value / 100) * g.receivingInScope);
  if (g.toDelete > allowed) {
    const what = limit.kind === "count" ? `--max-delete ${limit.value}` : `--max-delete ${limit.value}% (${allowed} of ${g.receivingInScope} keys)`;
    return `the plan would delete ${g.toDelete} key${g.toDelete === 1 ? "" : "s"}, more than ${what}; nothing was changed (raise --max-delete or use --force)`;
  }
  return undefined;
}

export function refusal(reason: string): FerryError {
  return new FerryError("Refused", reason);
}
