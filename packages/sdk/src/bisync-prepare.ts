import {
  type Adapter,
  type BisyncComparisons,
  type ConflictStrategy,
  type DeleteLimit,
  type Entry,
  FerryError,
  type InitialPolicy,
  type KeyFilter,
  type RunOptions,
  type Side,
  type SyncMode,
  bisyncComparisons,
  parseConflictStrategy,
  parseInitialPolicy,
  parseMode,
  readAhead,
} from "@ferry/core";
import type { BisyncOptions } from "./bisync-options.js";
import { ONE_WAY_ONLY } from "./bisync-options.js";
import { openLocation } from "./locations.js";
import type { Location } from "./options.js";
import { refuseOverlap } from "./prepare.js";
import * as v from "./settings.js";
import { defaultStateDir, filterFingerprint, normalizeRoot, pairFiles, type PairFiles } from "./state/state-location.js";

export interface PreparedBisync {
  adapters: Record<Side, Adapter>;
  roots: Record<Side, string>;
  mode: SyncMode;
  conflict: ConflictStrategy;
  initial: InitialPolicy;
  filter: KeyFilter;
  filterId: string;
  comparisons: BisyncComparisons;
  checkers: number;
  maxDelete: DeleteLimit | undefined;
  files: PairFiles;
  list(side: Side): AsyncIterable<Entry>;
  /** executor options derived from the options (emit/stats/adapters/guards added by the caller) */
  runOptions: Omit<RunOptions, "emit" | "stats" | "adapters">;
  close(): Promise<void>;
}

const LIST_READ_AHEAD = 2000;

/** Validates options, opens both locations and checks they exist. Writes nothing. */
export async function prepareBisync(aLoc: Location, bLoc: Location, options: BisyncOptions): Promise<PreparedBisync> {
  const given = options as Record<string, unknown>;
  for (const name of ONE_WAY_ONLY) {
    const value = given[name];
    if (value !== undefined && value !== false) {
      throw new FerryError("Usage", `${name} is a one-way option and cannot be used with bisync`, {
        hint: "bisync propagates deletions by its saved state; use sync for one-way runs",
      });
    }
  }
  const mode = parseMode(options.mode ?? "twoWay");
  const conflict = parseConflictStrategy(options.conflict ?? "keep-both");
  const initial = parseInitialPolicy(options.initial ?? "merge");
  const transfers = v.positiveInt("transfers", options.transfers ?? options.concurrency, 16);
  const checkers = v.positiveInt("checkers", options.checkers, 16);
  // passed on only when asked for: a walking adapter's own default reads fewer directories
  // ahead, and a no-op bisync is mostly listing, so that keeps its peak memory lower
  const listConcurrency = options.listConcurrency === undefined ? undefined : v.positiveInt("listConcurrency", options.listConcurrency, 8);
  const retries = v.nonNegativeInt("retries", options.retries) ?? 5;
  const maxFailures = options.maxFailures === undefined ? undefined : v.positiveInt("maxFailures", options.maxFailures, 1);
  const tpslimit = options.tpslimit === undefined ? undefined : v.positiveInt("tpslimit", options.tpslimit, 1);
  const bwlimit = v.size("bwlimit", options.bwlimit);
  const multipartThreshold = v.size("multipartThreshold", options.multipartThreshold);
  const multipartChunkSize = v.size("multipartChunkSize", options.multipartChunkSize);
  const maxDelete = v.maxDelete(options.maxDelete);
  if (options.modifyWindow !== undefined && !(options.modifyWindow >= 0)) throw new FerryError("Usage", "modifyWindow must be ≥ 0 ms");
  if (options.stateDir !== undefined && options.stateDir.trim() === "") throw new FerryError("Usage", "stateDir must not be empty");
  const filter = v.buildFilter(options);
  const adapterOptions = options.adapterOptions ?? {};
  if (adapterOptions.dirs) throw new FerryError("Usage", "--dirs cannot be used with bisync: it keeps files, not empty directories");

  const settings = { adapterOptions, ...(options.remotes ? { remotes: options.remotes } : {}), ...(options.env ? { env: options.env } : {}) };
  const opened: Adapter[] = [];
  const open = async (loc: Location) => {
    const a = await openLocation(loc, settings);
    if (typeof loc === "string") opened.push(a);
    return a;
  };
  const close = async () => {
    await Promise.allSettled(opened.map((a) => a.close?.()));
  };

  try {
    const src = await open(aLoc);
    const dst = await open(bLoc);
    const adapters: Record<Side, Adapter> = { src, dst };
    refuseOverlap(src, dst);
    for (const a of [src, dst]) {
      if (adapterOptions.perms && !a.capabilities.permissions)
        throw new FerryError("Unsupported", `--perms is not supported by ${a.name} (${a.root})`, { adapter: a.name });
      if (options.attributes) a.checkWriteMeta?.(options.attributes);
    }
    const comparisons = bisyncComparisons(adapters, {
      ...(options.compare !== undefined ? { compare: options.compare } : {}),
      ...(options.modifyWindow !== undefined ? { modifyWindow: options.modifyWindow } : {}),
      ...(options.exactTimestamps ? { exactTimestamps: true } : {}),
    });
    // both sides must exist: a missing side (an unmounted disk, a mistyped bucket) listed as
    // empty would read as "everything was deleted there"
    await probeExists(src, "first location (A)");
    await probeExists(dst, "second location (B)");

    const roots = { src: normalizeRoot(src.root), dst: normalizeRoot(dst.root) };
    const filterId = filterFingerprint(options);
    const files = pairFiles(options.stateDir ?? defaultStateDir(options.env ?? process.env), roots, filterId);
    const list = (side: Side): AsyncIterable<Entry> =>
      readAhead(
        adapters[side].list("", {
          ...(listConcurrency !== undefined ? { concurrency: listConcurrency } : {}),
          ...(options.signal ? { signal: options.signal } : {}),
        }),
        LIST_READ_AHEAD,
      );

    const runOptions: PreparedBisync["runOptions"] = {
      ...(options.dryRun ? { dryRun: true } : {}),
      transfers,
      retry: { retries },
      ...(options.stopOnError ? { stopOnError: true } : {}),
      ...(maxFailures !== undefined ? { maxFailures } : {}),
      ...(options.verify ? { verify: true } : {}),
      ...(bwlimit ? { bwlimit } : {}),
      ...(tpslimit ? { tpslimit } : {}),
      ...(options.attributes ? { attributes: options.attributes } : {}),
      ...(multipartThreshold !== undefined ? { multipartThreshold } : {}),
      ...(multipartChunkSize !== undefined ? { multipartChunkSize } : {}),
      ...(adapterOptions.perms ? { perms: true } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    };
    return { adapters, roots, mode, conflict, initial, filter, filterId, comparisons, checkers, maxDelete, files, list, runOptions, close };
  } catch (e) {
    await close();
    throw e;
  }
}

async function probeExists(adapter: Adapter, what: string): Promise<void> {
  if (!adapter.probe) return;
  const { exists } = await adapter.probe();
  if (!exists)
    throw new FerryError("Unreachable", `the ${what} ${adapter.root} does not exist`, {
      adapter: adapter.name,
      hint: "bisync needs both sides to exist; create it first (an empty folder is fine)",
    });
}
