import type { Side } from "../actions.js";
import type { Entry } from "../adapter.js";
import { FerryError } from "../errors.js";

/**
 * `--conflict`: who keeps the key's name when both sides changed it differently. Whatever
 * the strategy, the losing version is never destroyed: it is renamed aside on its own side
 * (`name.conflict-<side>-<stamp>.ext`) before the winner is copied over its name.
 * - `keep-both` (default): the newer copy keeps the name and the conflict copy is also copied
 *   across, so both versions end up on both sides for the user to merge;
 * - `newer` / `older` / `source` / `destination` / `larger`: that copy wins and the conflict
 *   copy stays only on the loser's side (recorded as one-sided, so later runs leave it there)
 *   — the conflict is resolved, yet the losing version is still recoverable.
 */
export type ConflictStrategy = "keep-both" | "newer" | "older" | "source" | "destination" | "larger";
export const CONFLICT_STRATEGIES: readonly ConflictStrategy[] = ["keep-both", "newer", "older", "source", "destination", "larger"];

/** `--initial`: how the first run (no saved state, or --resync) treats the two sides. */
export type InitialPolicy = "merge" | "source-wins" | "destination-wins";
export const INITIAL_POLICIES: readonly InitialPolicy[] = ["merge", "source-wins", "destination-wins"];

export function parseConflictStrategy(value: string): ConflictStrategy {
  if ((CONFLICT_STRATEGIES as readonly string[]).includes(value)) return value as ConflictStrategy;
  throw new FerryError("Usage", `unknown conflict strategy ${JSON.stringify(value)}`, { hint: `use ${CONFLICT_STRATEGIES.join(", ")}` });
}

export function parseInitialPolicy(value: string): InitialPolicy {
  if ((INITIAL_POLICIES as readonly string[]).includes(value)) return value as InitialPolicy;
  throw new FerryError("Usage", `unknown initial policy ${JSON.stringify(value)}`, { hint: `use ${INITIAL_POLICIES.join(", ")}` });
}

/**
 * The side whose copy keeps the name. Mtimes must already be known where they can be
 * (unknown counts as oldest). Ties — equal mtimes within `window`, equal sizes — go to the
 * newer copy, then to the source side, so the choice is always deterministic.
 */
export function conflictWinner(strategy: ConflictStrategy, src: Entry, dst: Entry, window: number): Side {
  const newer = (): Side | undefined => {
    const a = src.mtime ?? -Infinity;
    const b = dst.mtime ?? -Infinity;
    if (a === b || Math.abs(a - b) <= window) return undefined;
    return a > b ? "src" : "dst";
  };
  switch (strategy) {
    case "source":
      return "src";
    case "destination":
      return "dst";
    case "older": {
      const n = newer();
      return n === undefined ? "src" : n === "src" ? "dst" : "src";
    }
    case "larger":
      if (src.size !== dst.size) return src.size > dst.size ? "src" : "dst";
      return newer() ?? "src";
    case "keep-both":
    case "newer":
      return newer() ?? "src";
  }
}

/** UTC, to the second, safe in every file system: 20250102T030405Z. */
export function conflictStamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d+Z$/, "Z").replace(/[-:]/g, "");
}

/**
 * `dir/report.txt` → `dir/report.conflict-dst-20250102T030405Z.txt`: the extension stays last
 * so the copy still opens with the right program; a dot-file or a name without a dot gets the
 * marker at the end. `attempt` > 1 adds `-2`, `-3`… when the first name is already taken.
 */
export function conflictCopyKey(key: string, side: Side, stamp: string, attempt = 1): string {
  const slash = key.lastIndexOf("/");
  const dir = key.slice(0, slash + 1);
  const base = key.slice(slash + 1);
  const dot = base.lastIndexOf(".");
  const stem = dot > 0 ? base.slice(0, dot) : base;
  const ext = dot > 0 ? base.slice(dot) : "";
  return `${dir}${stem}.conflict-${side}-${stamp}${attempt > 1 ? `-${attempt}` : ""}${ext}`;
}
