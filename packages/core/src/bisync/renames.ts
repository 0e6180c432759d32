import { type Side, otherSide } from "../actions.js";
import { type Adapter, type Entry, HASH_PREFERENCE, type HashAlgorithm } from "../adapter.js";
import type { EntryDetails } from "../compare/comparator.js";
import type { SideSnapshot } from "./state-record.js";

/** A key that vanished from `side` while the other side still holds the agreed copy. */
export interface Departure {
  side: Side;
  key: string;
  /** what `side` held at the last run */
  was: SideSnapshot;
  /** the other side's (unchanged) copy, which a plain plan would delete */
  other: Entry;
}

/** A key that appeared on `side` and is missing on the other side. */
export interface Arrival {
  side: Side;
  key: string;
  entry: Entry;
}

export interface RenameMatch {
  departure: Departure;
  arrival: Arrival;
  /** a content digest both copies share (recorded in the next state) */
  proof: { algorithm: HashAlgorithm; digest: string };
}

export interface RenameMatchContext {
  adapters: Record<Side, Adapter>;
  details: EntryDetails;
  /** ms within which two mtimes are the same (a rename keeps the mtime) */
  window: number;
}

/**
 * Holds the keys that may be halves of a rename until the merge has seen every key (the two
 * halves sit anywhere in key order). Only deletions and arrivals are held, so memory grows
 * with the number of changed keys, never with the total; past `limit` the caller gives up on
 * detection and plans the held keys as plain deletes and copies.
 */
export class RenameCandidates {
  readonly departures: Departure[] = [];
  readonly arrivals: Arrival[] = [];
  constructor(readonly limit: number) {}

  get size(): number {
    return this.departures.length + this.arrivals.length;
  }

  get full(): boolean {
    return this.size >= this.limit;
  }

  /** Pairs departures with arrivals on the same side whose content is proven identical. */
  async match(ctx: RenameMatchContext): Promise<RenameMatch[]> {
    const matches: RenameMatch[] = [];
    if (this.departures.length === 0 || this.arrivals.length === 0) return matches;
    const bySize = new Map<string, Departure[]>();
    for (const d of this.departures) {
      const k = `${d.side}:${d.was.size}`;
      let list = bySize.get(k);
      if (!list) bySize.set(k, (list = []));
      list.push(d);
    }
    for (const arrival of this.arrivals) {
      const list = bySize.get(`${arrival.side}:${arrival.entry.size}`);
      if (!list || list.length === 0) continue;
      for (let i = 0; i < list.length; i++) {
        const departure = list[i]!;
        if (!sameMtime(departure.was, arrival.entry, ctx.window)) continue;
        const proof = await proveSameContent(departure, arrival, ctx);
        if (!proof) continue;
        list.splice(i, 1);
        matches.push({ departure, arrival, proof });
        break;
      }
    }
    return matches;
  }
}

/** A rename keeps the mtime; different known mtimes rule a pair out before any hashing. */
function sameMtime(was: SideSnapshot, now: Entry, window: number): boolean {
  if (was.mtime === undefined || now.mtime === undefined) return true;
  return Math.abs(was.mtime - now.mtime) <= window;
}

/**
 * A rename is applied only when a content digest proves the arrival is the departed copy.
 * Size and mtime alone, or an etag (some servers derive it from size and mtime), could pair
 * two different files, and the moved copy would then silently hold the wrong content.
 */
async function proveSameContent(d: Departure, a: Arrival, ctx: RenameMatchContext): Promise<RenameMatch["proof"] | undefined> {
  const here = ctx.adapters[a.side];
  const there = ctx.adapters[otherSide(a.side)];
  try {
    // what the departed copy's content hashes to: from the saved state, else from the other
    // side's unchanged copy (identical to it by the state's invariant)
    for (const algorithm of HASH_PREFERENCE) {
      const before = d.was.hashes?.[algorithm] ?? d.other.hashes?.[algorithm];
      const now = a.entry.hashes?.[algorithm];
      if (before !== undefined && now !== undefined) return before === now ? { algorithm, digest: now } : undefined;
    }
    for (const algorithm of HASH_PREFERENCE) {
      const known = d.was.hashes?.[algorithm] ?? d.other.hashes?.[algorithm];
      const canBefore = known !== undefined || canHash(there, algorithm);
      if (!canBefore || !canHash(here, algorithm)) continue;
      const before = known ?? (await ctx.details.hash(otherSide(a.side), d.other, algorithm));
      const now = await ctx.details.hash(a.side, a.entry, algorithm);
      if (before === undefined || now === undefined) continue;
      return before === now ? { algorithm, digest: now } : undefined;
    }
  } catch {
    // a side that cannot hash after all: no proof, so no rename (the plain plan is correct)
  }
  return undefined;
}

/** Whether a digest can be had from this adapter (its own hash(), or by reading the body). */
function canHash(adapter: Adapter, algorithm: HashAlgorithm): boolean {
  if (adapter.capabilities.hashes.includes(algorithm)) return true;
  return typeof adapter.hash !== "function" && algorithm !== "crc32c";
}
