import type { Side } from "../actions.js";
import { type Adapter, type Entry, HASH_PREFERENCE, type HashAlgorithm } from "../adapter.js";
import type { EntryDetails } from "../compare/comparator.js";
import type { CompareMode, CustomCompare } from "../compare/comparators.js";
import { type SideSnapshot, entryOf } from "./state-record.js";

/**
 * How one side's copy of a key relates to the last agreed state:
 * - `absent`: not there now, not there then
 * - `new`: there now, not there then
 * - `same` / `changed`: there now and then, unchanged or changed
 * - `deleted`: there then, gone now
 * - `unsure`: there now and then with the same size, but the state holds no signal that can
 *   tell (a copy written by the last run whose mtime and etag were not known yet); the planner
 *   settles it by comparing the two sides' current copies
 */
export type SideChange = "absent" | "new" | "same" | "changed" | "deleted" | "unsure";

export interface ChangeDetector {
  classify(prev: SideSnapshot | undefined, cur: Entry | undefined, details: EntryDetails): SideChange | Promise<SideChange>;
}

export interface ChangeDetectorOptions {
  /** the run's --compare; decides which signals count */
  compare?: CompareMode | CustomCompare;
  /** ms; defaults to the side's own mtime precision */
  modifyWindow?: number;
  /** the pair's content hash for --compare checksum */
  hashAlgorithm?: HashAlgorithm;
}

/**
 * Builds the test "did this side's copy change since the last run?" for one side. It compares
 * a side with its own past, so that side's etags are always comparable and its own mtime
 * precision applies. The signals follow --compare:
 * - `size`: sizes only;
 * - `checksum`: content hashes (fetched when the listing lacks them);
 * - `size-mtime`: mtime first, then etag or a known hash;
 * - `auto` / `etag`: etag or a known hash first (free in listings, and an object store's mtime
 *   may cost a HEAD), then mtime;
 * - a custom function: called with the saved copy and the current one.
 * A size difference is always a change.
 */
export function createChangeDetector(adapter: Adapter, side: Side, options: ChangeDetectorOptions = {}): ChangeDetector {
  const compare = options.compare ?? "auto";
  const window = options.modifyWindow ?? adapter.capabilities.mtimePrecision;
  const keepsMtime = adapter.capabilities.mtime !== "none";
  // with neither mtimes nor etags a side can only be judged by size; with them, a record that
  // lacks both is "unsure" rather than silently "same"
  const hasSignals = keepsMtime || adapter.capabilities.etag !== null || adapter.capabilities.hashes.length > 0;
  const noSignal: SideChange = hasSignals ? "unsure" : "same";

  const byMtime = (prev: SideSnapshot, cur: Entry, details: EntryDetails, otherwise: () => SideChange): SideChange | Promise<SideChange> => {
    if (!keepsMtime || prev.mtime === undefined) return otherwise();
    const decide = (m: number | undefined): SideChange => (m === undefined ? "unsure" : Math.abs(m - prev.mtime!) <= window ? "same" : "changed");
    if (cur.mtime !== undefined) return decide(cur.mtime);
    return details.mtime(side, cur).then(decide);
  };
  const byIdentity = (prev: SideSnapshot, cur: Entry): SideChange | undefined => {
    if (prev.etag && cur.etag) return prev.etag === cur.etag ? "same" : "changed";
    const h = knownHash(prev, cur);
    if (h) return prev.hashes![h] === cur.hashes![h] ? "same" : "changed";
    return undefined;
  };

  const compareExisting = (prev: SideSnapshot, cur: Entry, details: EntryDetails): SideChange | Promise<SideChange> => {
    if (prev.size !== cur.size) return "changed";
    if (typeof compare === "function") {
      const r = compare(entryOf(cur.key, prev), cur);
      return typeof r === "boolean" ? (r ? "same" : "changed") : r.then((same) => (same ? "same" : "changed"));
    }
    switch (compare) {
      case "size":
        return "same";
      case "checksum": {
        const h = options.hashAlgorithm;
        const before = h ? prev.hashes?.[h] : undefined;
        if (h && before !== undefined) {
          const now = cur.hashes?.[h];
          if (now !== undefined) return now === before ? "same" : "changed";
          return details.hash(side, cur, h).then((d) => (d === undefined ? "unsure" : d === before ? "same" : "changed"));
        }
        return byIdentity(prev, cur) ?? byMtime(prev, cur, details, () => noSignal);
      }
      case "size-mtime":
        return byMtime(prev, cur, details, () => byIdentity(prev, cur) ?? noSignal);
      default:
        return byIdentity(prev, cur) ?? byMtime(prev, cur, details, () => noSignal);
    }
  };

  return {
    classify(prev, cur, details) {
      if (!prev) return cur ? "new" : "absent";
      if (!cur) return "deleted";
      return compareExisting(prev, cur, details);
    },
  };
}

/** A content hash both snapshots carry (no fetching: this is the cheap check). */
function knownHash(prev: SideSnapshot, cur: Entry): HashAlgorithm | undefined {
  if (!prev.hashes || !cur.hashes) return undefined;
  for (const h of HASH_PREFERENCE) if (prev.hashes[h] !== undefined && cur.hashes[h] !== undefined) return h;
  return undefined;
}
