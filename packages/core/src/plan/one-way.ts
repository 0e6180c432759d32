import type { Action, Side, SkipAction, TransferAction } from "../actions.js";
import type { Adapter, Entry } from "../adapter.js";
import type { Comparator, EntryDetails } from "../compare/comparator.js";
import { destinationIsNewer } from "../compare/comparators.js";
import type { RunStats } from "../events.js";
import { keyProblem } from "../keys.js";
import { type Batched, batchedIterable } from "./entry-batches.js";
import { END_OF_B, type MergedPair, mergeListingBatches } from "./merge.js";
import { orderedWindowBatches } from "./ordered-window.js";

/** The part of a compiled filter the planner needs (see filter/). */
export interface KeySelector {
  includes(key: string, entry?: { size: number; mtime?: number }): boolean;
}

export interface Modifiers {
  /** skip when the receiving copy is newer (--update) */
  update?: boolean;
  /** never touch keys that exist on the receiving side */
  ignoreExisting?: boolean;
  /** never create keys on the receiving side */
  existing?: boolean;
  /** transfer even when the comparator says same */
  forceUpdate?: boolean;
}

export interface OneWayPlanInput {
  /** the sending and receiving adapters, already oriented by the mode */
  from: Adapter;
  to: Adapter;
  fromSide: Side;
  toSide: Side;
  fromEntries: AsyncIterable<Entry>;
  toEntries: AsyncIterable<Entry>;
  comparator: Comparator;
  details: EntryDetails;
  filter?: KeySelector;
  modifiers?: Modifiers;
  /** the mode lets the receiving side lose keys the sender lacks */
  deletes: boolean;
  /** also delete receiving keys the filters exclude */
  deleteExcluded?: boolean;
  /** ms within which two mtimes are equal (for --update) */
  modifyWindow?: number;
  /** stop after this many selected sending keys */
  limit?: number;
  /** remaps sending keys into the receiving namespace (order-preserving) */
  transformKey?: (key: string) => string;
  /** stat/hash work in flight */
  checkers?: number;
  /** the planner counts found/excluded/invalid here */
  stats: RunStats;
  /** reports keys skipped for being invalid or of an unsupported type */
  warn?: (message: string, key: string) => void;
}

/**
 * A plan that can tell, while it is still being drawn, that the rest of it only adds: once
 * the receiving side's listing is behind the merge, every later key is new to the receiver,
 * so no later action deletes, moves or overwrites anything. The delete guards then already
 * see their final numbers, and the executor may start transfers before the plan is complete.
 */
export interface SettlingPlan {
  /**
   * True once the actions handed out so far include every one that touches an existing
   * receiving key (read it after taking a batch: it describes what comes next).
   */
  readonly onlyAdditionsLeft: boolean;
}

export function isSettlingPlan(plan: AsyncIterable<Action>): plan is AsyncIterable<Action> & SettlingPlan {
  return typeof (plan as Partial<SettlingPlan>).onlyAdditionsLeft === "boolean";
}

/**
 * Plans a one-way run (SPEC §3's four one-way modes) as a streaming merge-join of the two
 * sorted listings. Memory stays constant in the number of keys: nothing is collected.
 */
export function planOneWay(input: OneWayPlanInput): Batched<Action> & SettlingPlan {
  const progress = { onlyAdditionsLeft: false };
  const plan = batchedIterable(() => planOneWayBatches(input, progress));
  return Object.defineProperty(plan, "onlyAdditionsLeft", { get: () => progress.onlyAdditionsLeft, enumerable: true }) as Batched<Action> &
    SettlingPlan;
}

/** Stands for END_OF_B among the decisions, so it comes out in key order with them. */
const RECEIVING_LISTED = Object.freeze({ type: "skip", key: "", reason: "identical" }) as unknown as Action;

async function* planOneWayBatches(input: OneWayPlanInput, progress: { onlyAdditionsLeft: boolean }): AsyncGenerator<Action[]> {
  progress.onlyAdditionsLeft = false;
  const { from, to, fromSide, toSide, stats } = input;
  const filter = input.filter;
  const mods = input.modifiers ?? {};
  const window = input.checkers ?? 16;
  const foundKey: keyof RunStats = fromSide === "src" ? "foundSrc" : "foundDst";
  const foundOtherKey: keyof RunStats = fromSide === "src" ? "foundDst" : "foundSrc";
  let selected = 0;
  let limitReached = false;

  const batches = mergeListingBatches(input.fromEntries, input.toEntries, {
    labelA: `${from.name} (${fromSide})`,
    labelB: `${to.name} (${toSide})`,
    mapA: input.transformKey,
    markEndOfB: true,
  });

  // Classifies a pair synchronously; returns an action, a promise of one (comparisons that
  // need a stat or a hash), or undefined (nothing to report).
  const decide = (pair: MergedPair): Action | Promise<Action> | undefined => {
    if (pair === END_OF_B) return RECEIVING_LISTED;
    let a = pair.a;
    let b = pair.b;
    if (a) stats[foundKey]++;
    if (b) stats[foundOtherKey]++;

    // the merge pairs equal keys, so one check usually covers all three
    const invalid =
      keyProblem(pair.key) ?? (a && a.key !== pair.key ? keyProblem(a.key) : undefined) ?? (b && b.key !== pair.key ? keyProblem(b.key) : undefined);
    if (invalid) {
      stats.invalid++;
      input.warn?.(`skipping invalid key: ${invalid}`, pair.key);
      return { type: "skip", key: pair.key, reason: "invalid-key", detail: invalid, entry: a ?? b, side: a ? fromSide : toSide };
    }

    if (filter) {
      const aIn = a ? filter.includes(a.key, a) : false;
      const bIn = b ? filter.includes(b.key, b) : false;
      if ((a && !aIn) || (b && !bIn)) stats.excluded++;
      if (a && !aIn) a = undefined;
      if (b && !bIn) {
        // an excluded receiving key is invisible to the comparison; it is only deleted under
        // --delete-excluded, and only when the sender does not bring a replacement
        if (!a) {
          return input.deletes && input.deleteExcluded
            ? { type: "delete", key: b.key, side: toSide, entry: b, reason: "excluded" }
            : undefined;
        }
        b = undefined;
      }
    }

    if (a) {
      if (input.limit !== undefined && selected >= input.limit) {
        limitReached = true;
        return undefined;
      }
      selected++;
    }

    if (a && !b) {
      if (a.type === "symlink" && !to.capabilities.symlinks) return unsupported(pair.key, a, "symlink");
      if (mods.existing) return skip(pair.key, "existing-only", a);
      return transfer(pair.key, a, undefined, "new");
    }
    if (!a && b) {
      if (!input.deletes) return undefined;
      return { type: "delete", key: b.key, side: toSide, entry: b, reason: "extraneous" };
    }
    if (!a || !b) return undefined;

    if (a.type === "dir" || b.type === "dir") {
      if (a.type === "dir" && b.type === "dir") return skip(pair.key, "identical", a);
      // a file replaced by a directory (or back) is a change the receiver must follow
      return transfer(pair.key, a, b, "changed");
    }
    if (a.type === "symlink" && !to.capabilities.symlinks) return unsupported(pair.key, a, "symlink");
    if (mods.ignoreExisting) return skip(pair.key, "ignore-existing", a);
    if (mods.forceUpdate) return transfer(pair.key, a, b, "forced");
    if (mods.update) return decideWithUpdate(pair.key, a, b);
    return compare(pair.key, a, b);
  };

  const compare = (key: string, a: Entry, b: Entry): Action | Promise<Action> => {
    const v = input.comparator.compare(a, b, input.details);
    if ("then" in v) return v.then((r) => (r.same ? skip(key, "identical", a) : transfer(key, a, b, r.reason ?? "changed")));
    return v.same ? skip(key, "identical", a) : transfer(key, a, b, v.reason ?? "changed");
  };

  const decideWithUpdate = async (key: string, a: Entry, b: Entry): Promise<Action> => {
    if (await destinationIsNewer(a, b, input.modifyWindow ?? 0, input.details, fromSide, toSide)) return skip(key, "dst-newer", a);
    return compare(key, a, b);
  };

  const transfer = (targetKey: string, source: Entry, target: Entry | undefined, reason: TransferAction["reason"]): TransferAction => ({
    type: "transfer",
    key: source.key,
    targetKey,
    from: fromSide,
    to: toSide,
    source,
    ...(target ? { target } : {}),
    reason,
  });

  const skip = (key: string, reason: SkipAction["reason"], entry: Entry): SkipAction => ({ type: "skip", key, reason, entry, side: fromSide });

  const unsupported = (key: string, entry: Entry, what: string): SkipAction => {
    input.warn?.(`skipping ${what}: not supported by ${to.name}`, key);
    return { type: "skip", key, reason: "unsupported-type", entry, side: fromSide, detail: `${what} not supported by ${to.name}` };
  };

  // Decisions come out in the order of the keys; one that needs a stat or a hash waits in
  // flight, side by side with up to `window` others, and the ones after it queue behind it.
  // Leaving the loop (limit reached, consumer gone) closes the merge and so the listings.
  for await (const actions of orderedWindowBatches(batches, decide, window, () => limitReached)) {
    const marker = progress.onlyAdditionsLeft ? -1 : actions.indexOf(RECEIVING_LISTED);
    if (marker < 0) {
      yield actions;
      continue;
    }
    // what precedes the marker is handed out while the flag is still false
    if (marker > 0) yield actions.slice(0, marker);
    progress.onlyAdditionsLeft = true;
    if (marker < actions.length - 1) yield actions.slice(marker + 1);
  }
}
