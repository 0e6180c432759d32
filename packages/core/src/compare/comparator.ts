import type { Adapter, Entry, HashAlgorithm } from "../adapter.js";
import type { Side, TransferReason } from "../actions.js";

/**
 * Lazily fetches what a listing did not carry (object-store mtimes live in metadata that only
 * a HEAD returns; hashes may need a read). The planner backs it with the adapters and runs it
 * with `--checkers` concurrency; comparators stay free of I/O decisions.
 */
export interface EntryDetails {
  mtime(side: Side, entry: Entry): Promise<number | undefined>;
  hash(side: Side, entry: Entry, algorithm: HashAlgorithm): Promise<string | undefined>;
}

export interface CompareVerdict {
  /** true when the destination copy is current */
  same: boolean;
  /** why not, when not */
  reason?: TransferReason;
}

export interface Comparator {
  readonly name: string;
  /**
   * Compares two existing entries. Returns synchronously when the listings carry enough
   * (the no-op re-run of 100k files must not allocate a promise per key).
   */
  compare(src: Entry, dst: Entry, details: EntryDetails): CompareVerdict | Promise<CompareVerdict>;
}

/** What a comparator needs from the two sides' adapters to decide. */
export interface ComparePair {
  src: Adapter;
  dst: Adapter;
  srcSide: Side;
  dstSide: Side;
}

export const SAME: CompareVerdict = Object.freeze({ same: true });
export const differ = (reason: TransferReason): CompareVerdict => ({ same: false, reason });
