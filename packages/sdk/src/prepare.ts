import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  type Action,
  type Adapter,
  type Entry,
  FerryError,
  type KeyFilter,
  type ModeRules,
  type RunOptions,
  type RunStats,
  type Side,
  type SyncMode,
  adapterDetails,
  createComparator,
  emptyStats,
  modeRules,
  modifyWindow,
  parseMode,
  planOneWay,
  readAhead,
} from "@ferry/core";
import { openLocation } from "./locations.js";
import type { Location, SyncOptions } from "./options.js";
import * as v from "./settings.js";

export type RunKind = "sync" | "copy" | "move" | "check" | "plan";

export interface PreparedRun {
  adapters: Record<Side, Adapter>;
  /** the locations as the caller gave them (workers of a distributed run open them again) */
  locations: Record<Side, Location>;
  mode: SyncMode;
  rules: ModeRules;
  filter: KeyFilter;
  stats: RunStats;
  /** the plan as a stream of actions (fresh listing each call) */
  plan(): AsyncIterable<Action>;
  /** executor options derived from the sync options (emit/stats added by the caller) */
  runOptions: Omit<RunOptions, "emit" | "stats" | "adapters">;
  close(): Promise<void>;
}

const LIST_READ_AHEAD = 2000;

function resolveMode(options: SyncOptions, kind: RunKind): SyncMode {
  const wantsDelete = !!(options.delete ?? options.prune);
  if (kind === "copy" && wantsDelete)
    throw new FerryError("Usage", "copy never deletes: --delete cannot be used with copy", { hint: "use ferry sync --delete to mirror" });
  if (kind === "move" && wantsDelete)
    throw new FerryError("Usage", "move deletes source keys once copied: --delete cannot be used with move");
  if (options.mode === undefined) return wantsDelete ? "sourceToDestination" : "sourceBackup";
  const mode = parseMode(options.mode);
  if (mode === "twoWay") throw new FerryError("Usage", "the twoWay mode keeps state between runs: use ferry bisync A B (bisync() in the SDK)");
  if (wantsDelete && !modeRules(mode).deletes)
    throw new FerryError("Usage", `--delete conflicts with --mode ${mode}, which never deletes`);
  if ((kind === "copy" || kind === "move") && modeRules(mode).deletes)
    throw new FerryError("Usage", `${kind} never deletes from the destination: --mode ${mode} cannot be used with ${kind}`);
  return mode;
}

/** Validates options, opens both locations and returns a ready-to-plan run. Writes nothing. */
export async function prepareRun(srcLoc: Location, dstLoc: Location, options: SyncOptions, kind: RunKind): Promise<PreparedRun> {
  const mode = resolveMode(options, kind);
  const rules = modeRules(mode);
  if (options.update && options.forceUpdate) throw new FerryError("Usage", "--update and --ignore-times/--force-update contradict each other");
  if (options.ignoreExisting && options.existing)
    throw new FerryError("Usage", "--ignore-existing with --existing would never transfer anything");
  if (options.backupDir === undefined && options.suffix === "") throw new FerryError("Usage", "--suffix must not be empty");

  const transfers = v.positiveInt("transfers", options.transfers ?? options.concurrency, 16);
  const checkers = v.positiveInt("checkers", options.checkers, 16);
  const listConcurrency = v.positiveInt("listConcurrency", options.listConcurrency, 8);
  const retries = v.nonNegativeInt("retries", options.retries) ?? 5;
  const maxFailures = options.maxFailures === undefined ? undefined : v.positiveInt("maxFailures", options.maxFailures, 1);
  const limit = v.nonNegativeInt("limit", options.limit);
  const tpslimit = options.tpslimit === undefined ? undefined : v.positiveInt("tpslimit", options.tpslimit, 1);
  const bwlimit = v.size("bwlimit", options.bwlimit);
  const multipartThreshold = v.size("multipartThreshold", options.multipartThreshold);
  const multipartChunkSize = v.size("multipartChunkSize", options.multipartChunkSize);
  const maxDelete = v.maxDelete(options.maxDelete);
  if (options.modifyWindow !== undefined && !(options.modifyWindow >= 0)) throw new FerryError("Usage", "modifyWindow must be ≥ 0 ms");
  const filter = v.buildFilter(options);

  const settings = { adapterOptions: options.adapterOptions ?? {}, ...(options.remotes ? { remotes: options.remotes } : {}), ...(options.env ? { env: options.env } : {}) };
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
    const src = await open(srcLoc);
    const dst = await open(dstLoc);
    const backupDir = options.backupDir === undefined ? undefined : await open(options.backupDir);
    const adapters: Record<Side, Adapter> = { src, dst };
    refuseOverlap(src, dst);
    if (backupDir) refuseOverlap(backupDir, rules.direction === "dst-to-src" ? src : dst, "--backup-dir");

    const fromSide: Side = rules.direction === "dst-to-src" ? "dst" : "src";
    const toSide: Side = fromSide === "src" ? "dst" : "src";
    const from = adapters[fromSide];
    const to = adapters[toSide];

    checkReceiverSupports(to, options);
    const comparator = createComparator(from, to, {
      ...(options.compare !== undefined ? { compare: options.compare } : {}),
      ...(options.modifyWindow !== undefined ? { modifyWindow: options.modifyWindow } : {}),
      ...(options.exactTimestamps ? { exactTimestamps: true } : {}),
      fromSide,
      toSide,
    });

    // a sending side that does not exist is an unreachable location (exit 3), not an empty one
    await probeExists(from, fromSide === "src" ? "source" : "destination");
    await probeReadable(to);

    const stats = emptyStats();
    const listDirs = !!options.adapterOptions?.dirs;
    const prefix = options.prefix ?? "";
    const destPrefix = options.destPrefix ?? prefix;
    const prefixes: Record<Side, string> = { src: prefix, dst: destPrefix };
    const list = (side: Side): AsyncIterable<Entry> =>
      readAhead(
        adapters[side].list(prefixes[side], {
          concurrency: listConcurrency,
          ...(options.signal ? { signal: options.signal } : {}),
          ...(listDirs ? { dirs: true } : {}),
        }),
        LIST_READ_AHEAD,
      );

    const plan = () =>
      planOneWay({
        from,
        to,
        fromSide,
        toSide,
        fromEntries: list(fromSide),
        toEntries: list(toSide),
        comparator,
        details: adapterDetails(adapters, options.signal),
        filter,
        modifiers: {
          ...(options.update ? { update: true } : {}),
          ...(options.ignoreExisting ? { ignoreExisting: true } : {}),
          ...(options.existing ? { existing: true } : {}),
          ...(options.forceUpdate ? { forceUpdate: true } : {}),
        },
        modifyWindow: options.modifyWindow ?? modifyWindow(from, to),
        deletes: rules.deletes,
        ...(options.deleteExcluded ? { deleteExcluded: true } : {}),
        ...(limit !== undefined ? { limit } : {}),
        ...(options.transformKey && fromSide === "src" ? { transformKey: options.transformKey } : {}),
        checkers,
        stats,
        warn: (message, key) => options.onEvent?.({ type: "warning", key, message }),
      });

    const runOptions: PreparedRun["runOptions"] = {
      ...(options.dryRun ? { dryRun: true } : {}),
      transfers,
      retry: { retries },
      ...(options.stopOnError ? { stopOnError: true } : {}),
      ...(maxFailures !== undefined ? { maxFailures } : {}),
      ...(options.verify ? { verify: true } : {}),
      ...(maxDelete ? { maxDelete } : {}),
      ...(options.force ? { force: true } : {}),
      sendingSide: fromSide,
      ...(options.deleteTiming ? { deleteTiming: options.deleteTiming } : {}),
      ...(bwlimit ? { bwlimit } : {}),
      ...(tpslimit ? { tpslimit } : {}),
      ...(options.attributes ? { attributes: options.attributes } : {}),
      ...(multipartThreshold !== undefined ? { multipartThreshold } : {}),
      ...(multipartChunkSize !== undefined ? { multipartChunkSize } : {}),
      ...(options.adapterOptions?.perms ? { perms: true } : {}),
      ...(backupDir ? { backupDir } : {}),
      ...(options.suffix ? { suffix: options.suffix } : {}),
      ...(kind === "move" || options.deleteSource ? { deleteSourceAfterTransfer: true } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    };
    return { adapters, locations: { src: srcLoc, dst: dstLoc }, mode, rules, filter, stats, plan, runOptions, close };
  } catch (e) {
    await close();
    throw e;
  }
}

/** Flags the receiving adapter cannot honour are refused up front, never silently ignored. */
function checkReceiverSupports(to: Adapter, options: SyncOptions): void {
  const a = options.adapterOptions ?? {};
  const unsupported = (flag: string) =>
    new FerryError("Unsupported", `${flag} is not supported by ${to.name} (${to.root})`, { adapter: to.name });
  if (a.perms && !to.capabilities.permissions) throw unsupported("--perms");
  if (a.dirs && !to.capabilities.emptyDirectories) throw unsupported("--dirs");
  if (a.links === "copy" && !to.capabilities.symlinks) throw unsupported("--links");
  if (options.attributes) to.checkWriteMeta?.(options.attributes);
}

async function probeExists(adapter: Adapter, what: string): Promise<void> {
  if (!adapter.probe) return;
  const { exists } = await adapter.probe();
  if (!exists) throw new FerryError("Unreachable", `the ${what} ${adapter.root} does not exist`, { adapter: adapter.name });
}

async function probeReadable(adapter: Adapter): Promise<void> {
  // a receiving location may not exist yet (it is created); only unreachable/unauthorized stop us
  await adapter.probe?.();
}

/** One location inside the other on the same storage would sync a tree into itself. */
export function refuseOverlap(a: Adapter, b: Adapter, what = "SRC and DST"): void {
  if (a.name !== b.name || a.identity !== b.identity) return;
  const ra = comparableRoot(a);
  const rb = comparableRoot(b);
  if (ra === undefined || rb === undefined) return;
  if (ra === rb || ra.startsWith(rb) || rb.startsWith(ra)) {
    throw new FerryError("Usage", `${what} overlap: ${a.root} and ${b.root} are ${ra === rb ? "the same location" : "one inside the other"}`, {
      hint: "pick locations that do not contain each other",
    });
  }
}

function comparableRoot(a: Adapter): string | undefined {
  try {
    if (a.root.startsWith("file:")) return `${path.resolve(fileURLToPath(a.root))}/`;
  } catch {
    return undefined;
  }
  return a.root.endsWith("/") ? a.root : `${a.root}/`;
}
