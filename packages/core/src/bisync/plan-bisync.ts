import {
  type Action,
  type ConflictRecord,
  type DeleteAction,
  type MoveAction,
  type Side,
  type SkipAction,
  type TransferAction,
  type TransferReason,
  otherSide,
} from "../actions.js";
import type { Adapter, Entry } from "../adapter.js";
import type { Comparator, EntryDetails } from "../compare/comparator.js";
import { FerryError } from "../errors.js";
import type { RunStats } from "../events.js";
import { keyProblem } from "../keys.js";
import type { SyncMode } from "../plan/modes.js";
import type { KeySelector } from "../plan/one-way.js";
import { orderedWindow } from "../plan/ordered-window.js";
import type { ChangeDetector, SideChange } from "./classify.js";
import { type ConflictStrategy, type InitialPolicy, conflictCopyKey, conflictStamp, conflictWinner } from "./conflicts.js";
import { type BisyncCounts, emptyBisyncCounts } from "./guards.js";
import { type SettledChange, reconcile } from "./reconcile.js";
import { type Arrival, type Departure, RenameCandidates } from "./renames.js";
import { type SideSnapshot, type StateRecord, receivedSnapshot, recordOf, snapshotMatches, snapshotOf } from "./state-record.js";
import { type KeyTriple, threeWayMerge } from "./three-way-merge.js";

/** Where the planner puts the state the run will have agreed on if every action succeeds. */
export interface NextStateSink {
  /** records in key order, as the merge passes them */
  add(record: StateRecord): void | Promise<void>;
  /** records for keys the merge had already passed (renames, conflict copies); few, unordered */
  addLate(record: StateRecord): void;
}

export interface BisyncPlanInput {
  adapters: Record<Side, Adapter>;
  /** each side's listing in byte order of key */
  listings: Record<Side, AsyncIterable<Entry>>;
  /** the saved state in byte order of key; undefined on a first run (or --resync) */
  state?: AsyncIterable<StateRecord>;
  /** default twoWay; the one-way modes use the same classification */
  mode?: SyncMode;
  /** first run only (default merge) */
  initial?: InitialPolicy;
  /** true when the user chose `initial`: no warning about lopsided sides then */
  initialChosen?: boolean;
  /** default keep-both */
  conflict?: ConflictStrategy;
  /** the pair's comparator, oriented src → dst */
  comparator: Comparator;
  /** per side: did this copy change since the last run? */
  detectors: Record<Side, ChangeDetector>;
  details: EntryDetails;
  filter?: KeySelector;
  /** stat/hash work in flight (default 16) */
  checkers?: number;
  /** ms within which two mtimes are equal (conflict "newer", rename proof) */
  modifyWindow: number;
  /** the run's start, stamped into conflict copy names */
  now: number;
  /** true when a key exists on a side (keeps conflict copy names from overwriting anything) */
  keyExists?: (side: Side, key: string) => Promise<boolean>;
  nextState?: NextStateSink;
  stats: RunStats;
  counts?: BisyncCounts;
  onConflict?: (conflict: ConflictRecord) => void;
  warn?: (message: string, key?: string) => void;
  /** most rename halves held before detection is given up for the run (default 100,000) */
  renameLimit?: number;
}

/** What one key needs: its actions, its next-state record, and possibly a rename half. */
interface KeyOutcome {
  actions: Action[];
  record?: StateRecord | undefined;
  late?: StateRecord[];
  conflict?: ConflictRecord;
  /** a possible half of a rename; `actions`/`record` are its plain plan if no partner shows up */
  candidate?: { departure: Departure } | { arrival: Arrival };
}

const DEFAULT_RENAME_LIMIT = 100_000;

/**
 * Plans a two-way run (or a one-way mode with state) as one streaming three-way merge of both
 * listings and the saved state. Per key it classifies each side against the state, applies the
 * mode's decision table, resolves conflicts, and writes the state the run will have agreed on
 * to `nextState` as it goes. Memory is constant in the number of keys, except for rename
 * detection, which holds the deleted and new keys (the changed ones) until the end.
 */
export async function* planBisync(input: BisyncPlanInput): AsyncGenerator<Action> {
  const { adapters, stats, details } = input;
  const counts = input.counts ?? emptyBisyncCounts();
  const firstRun = input.state === undefined;
  const mode = input.mode ?? "twoWay";
  const initial = input.initial ?? "merge";
  // the first run has no common ancestor: "merge" is two-way without deletions (every present
  // key is new, so nothing can look deleted); the -wins policies mirror for this one run
  const effective: SyncMode =
    firstRun && mode === "twoWay" ? (initial === "source-wins" ? "sourceToDestination" : initial === "destination-wins" ? "destinationToSource" : "twoWay") : mode;
  const strategy = input.conflict ?? "keep-both";
  const stamp = conflictStamp(input.now);
  const renames = firstRun ? undefined : new RenameCandidates(input.renameLimit ?? DEFAULT_RENAME_LIMIT);
  let detectRenames = renames !== undefined;
  const filter = input.filter;

  const skip = (key: string, reason: SkipAction["reason"], entry: Entry | undefined, side: Side, detail?: string): SkipAction => ({
    type: "skip",
    key,
    reason,
    ...(entry ? { entry } : {}),
    side,
    ...(detail ? { detail } : {}),
  });

  const transfer = (targetKey: string, from: Side, source: Entry, target: Entry | undefined, reason: TransferReason): TransferAction => ({
    type: "transfer",
    key: source.key,
    targetKey,
    from,
    to: otherSide(from),
    source,
    ...(target ? { target } : {}),
    reason,
  });

  const copyRecord = (key: string, from: Side, source: Entry): StateRecord =>
    ({ key, [from]: snapshotOf(source), [otherSide(from)]: receivedSnapshot(source, adapters[otherSide(from)]) }) as StateRecord;

  const asIs = (t: KeyTriple): StateRecord | undefined =>
    t.prev && snapshotMatches(t.prev.src, t.src) && snapshotMatches(t.prev.dst, t.dst)
      ? t.prev
      : recordOf(t.key, { src: t.src && snapshotOf(t.src), dst: t.dst && snapshotOf(t.dst) });

  const keep = (t: KeyTriple): KeyOutcome => {
    const entry = t.src ?? t.dst;
    const side: Side = t.src ? "src" : "dst";
    if (!entry) return { actions: [] };
    const reason: SkipAction["reason"] = t.src && t.dst ? "identical" : effective === "twoWay" ? "unchanged" : "mode";
    return { actions: [skip(t.key, reason, entry, side)], record: asIs(t) };
  };

  const copy = (t: KeyTriple, from: Side, reason: TransferReason, changes?: Record<Side, SettledChange>): KeyOutcome => {
    const source = t[from]!;
    const target = t[otherSide(from)];
    const outcome: KeyOutcome = { actions: [transfer(t.key, from, source, target, reason)], record: copyRecord(t.key, from, source) };
    if (changes && changes[from] === "new" && changes[otherSide(from)] === "absent" && detectRenames) {
      outcome.candidate = { arrival: { side: from, key: t.key, entry: source } };
    }
    return outcome;
  };

  const remove = (t: KeyTriple, side: Side, reason: DeleteAction["reason"], changes: Record<Side, SettledChange>): KeyOutcome => {
    const entry = t[side]!;
    const outcome: KeyOutcome = { actions: [{ type: "delete", key: t.key, side, entry, reason }] };
    const gone = otherSide(side);
    const was = t.prev?.[gone];
    if (reason === "deleted-on-other-side" && changes[gone] === "deleted" && changes[side] === "same" && was && detectRenames) {
      outcome.candidate = { departure: { side: gone, key: t.key, was, other: entry } };
    }
    return outcome;
  };

  const freeConflictKey = async (key: string, side: Side): Promise<string> => {
    for (let attempt = 1; attempt <= 100; attempt++) {
      const candidate = conflictCopyKey(key, side, stamp, attempt);
      if (!input.keyExists) return candidate;
      const [a, b] = await Promise.all([input.keyExists("src", candidate), input.keyExists("dst", candidate)]);
      if (!a && !b) return candidate;
    }
    throw new FerryError("Conflict", `no free name for the conflict copy of ${JSON.stringify(key)}`, { key });
  };

  /**
   * The loser is renamed aside on its own side first (the executor runs these moves before any
   * transfer, and skips the transfers of a key whose move failed), then the winner is copied
   * over the name; keep-both also copies the loser's conflict copy across.
   */
  const conflict = async (t: KeyTriple): Promise<KeyOutcome> => {
    const src = t.src!;
    const dst = t.dst!;
    const [ma, mb] = await Promise.all([src.mtime ?? details.mtime("src", src), dst.mtime ?? details.mtime("dst", dst)]);
    const timed: Record<Side, Entry> = {
      src: ma === undefined ? src : { ...src, mtime: ma },
      dst: mb === undefined ? dst : { ...dst, mtime: mb },
    };
    const winner = conflictWinner(strategy, timed.src, timed.dst, input.modifyWindow);
    const loser = otherSide(winner);
    const won = timed[winner];
    const lost = timed[loser];
    const keptKey = await freeConflictKey(t.key, loser);
    const move: MoveAction = { type: "move", side: loser, fromKey: t.key, toKey: keptKey, entry: lost, reason: "conflict-keep-both" };
    const actions: Action[] = [move, transfer(t.key, winner, won, undefined, "conflict")];
    const movedLoser = { ...lost, key: keptKey };
    const keptSnapshot = movedSnapshot(lost);
    let late: StateRecord;
    if (strategy === "keep-both") {
      actions.push(transfer(keptKey, loser, movedLoser, undefined, "conflict"));
      late = { key: keptKey, [loser]: keptSnapshot, [winner]: receivedSnapshot(movedLoser, adapters[winner]) } as StateRecord;
    } else {
      late = { key: keptKey, [loser]: keptSnapshot } as StateRecord;
    }
    return {
      actions,
      record: copyRecord(t.key, winner, won),
      late: [late],
      conflict: { key: t.key, src, dst, resolution: strategy, winner, keptAs: { side: loser, key: keptKey } },
    };
  };

  const apply = (t: KeyTriple, changes: Record<Side, SettledChange>): KeyOutcome | Promise<KeyOutcome> => {
    const verdict = reconcile(effective, changes.src, changes.dst);
    switch (verdict.kind) {
      case "keep":
        return keep(t);
      case "drop":
        return { actions: [] };
      case "copy":
        return copy(t, verdict.from, verdict.reason, changes);
      case "delete":
        return remove(t, verdict.side, verdict.reason, changes);
      case "compare": {
        const otherwise = verdict.otherwise;
        const onDiffer = (reason: TransferReason | undefined): KeyOutcome | Promise<KeyOutcome> =>
          otherwise === "conflict" ? conflict(t) : copy(t, otherwise.copyFrom, reason ?? "changed");
        const v = input.comparator.compare(t.src!, t.dst!, details);
        if ("then" in v) return v.then((r) => (r.same ? keep(t) : onDiffer(r.reason)));
        return v.same ? keep(t) : onDiffer(v.reason);
      }
    }
  };

  // "unsure" (no signal in the state) is settled by the current copies: identical means
  // nothing to do; otherwise the copy counts as changed, which at worst raises a conflict
  // (nothing is lost) instead of overwriting a change
  const settle = (t: KeyTriple, a: SideChange, b: SideChange): KeyOutcome | Promise<KeyOutcome> => {
    if (a !== "unsure" && b !== "unsure") return apply(t, { src: a, dst: b });
    const settled = { src: a === "unsure" ? "changed" : a, dst: b === "unsure" ? "changed" : b } as Record<Side, SettledChange>;
    if (!t.src || !t.dst) return apply(t, settled);
    const v = input.comparator.compare(t.src, t.dst, details);
    if ("then" in v) return v.then((r) => (r.same ? keep(t) : apply(t, settled)));
    return v.same ? keep(t) : apply(t, settled);
  };

  const decide = (t: KeyTriple): KeyOutcome | Promise<KeyOutcome> => {
    const { src, dst, prev } = t;
    if (src) stats.foundSrc++;
    if (dst) stats.foundDst++;
    if (prev?.src) counts.inState.src++;
    if (prev?.dst) counts.inState.dst++;
    const invalid = keyProblem(t.key);
    if (invalid) {
      stats.invalid++;
      input.warn?.(`skipping invalid key: ${invalid}`, t.key);
      return { actions: [skip(t.key, "invalid-key", src ?? dst, src ? "src" : "dst", invalid)], record: prev };
    }
    if (filter && ((src && !filter.includes(src.key, src)) || (dst && !filter.includes(dst.key, dst)))) {
      // out of scope this run (a size or age filter can move a key out and back): the last
      // agreement stands, so the key is neither deleted nor forgotten
      stats.excluded++;
      return { record: prev, actions: [] };
    }
    // bisync keeps files; a directory entry or a symlink the other side cannot hold is left
    // alone on both sides, with its last agreement
    for (const side of ["src", "dst"] as const) {
      const e = t[side];
      if (!e) continue;
      if (e.type === "dir") return { record: prev, actions: [] };
      if (e.type === "symlink" && !adapters[otherSide(side)].capabilities.symlinks) {
        const detail = `symlink not supported by ${adapters[otherSide(side)].name}`;
        input.warn?.(`skipping ${detail}`, t.key);
        return { record: prev, actions: [skip(t.key, "unsupported-type", e, side, detail)] };
      }
    }
    if (src) counts.inScope.src++;
    if (dst) counts.inScope.dst++;
    const a = input.detectors.src.classify(prev?.src, src, details);
    const b = input.detectors.dst.classify(prev?.dst, dst, details);
    if (typeof a === "string" && typeof b === "string") return settle(t, a, b);
    return Promise.all([a, b]).then(([x, y]) => settle(t, x, y));
  };

  const triples = threeWayMerge(input.listings.src, input.listings.dst, input.state, {
    labelSrc: `${adapters.src.name} (source)`,
    labelDst: `${adapters.dst.name} (destination)`,
  });

  const counted = (action: Action): Action => {
    if (action.type === "delete") counts.deletes[action.side]++;
    return action;
  };
  /** held candidates planned the plain way; their records are behind the merge now, so late */
  const releaseHeld = function* (held: RenameCandidates): Generator<Action> {
    for (const d of held.departures) {
      yield counted({ type: "delete", key: d.key, side: otherSide(d.side), entry: d.other, reason: "deleted-on-other-side" });
    }
    for (const a of held.arrivals) {
      yield counted(transfer(a.key, a.side, a.entry, undefined, "new"));
      input.nextState?.addLate(copyRecord(a.key, a.side, a.entry));
    }
  };

  // decisions that need a stat or a hash stay in flight side by side (up to `checkers`), while
  // outcomes come out in key order, as the next state must be written
  for await (const outcome of orderedWindow(triples, decide, input.checkers ?? 16)) {
    if (outcome.conflict) {
      stats.conflicts++;
      input.onConflict?.(outcome.conflict);
    }
    if (outcome.candidate && detectRenames && renames) {
      if ("departure" in outcome.candidate) renames.departures.push(outcome.candidate.departure);
      else renames.arrivals.push(outcome.candidate.arrival);
      if (renames.full) {
        detectRenames = false;
        input.warn?.(`more than ${renames.limit} keys were added or deleted: renames are not detected in this run (they are copied and deleted instead)`);
        yield* releaseHeld(renames);
        renames.departures.length = 0;
        renames.arrivals.length = 0;
      }
      continue;
    }
    if (outcome.record) await input.nextState?.add(outcome.record);
    for (const late of outcome.late ?? []) input.nextState?.addLate(late);
    for (const action of outcome.actions) yield counted(action);
  }

  if (renames && detectRenames && renames.size > 0) {
    const matches = await renames.match({ adapters, details, window: input.modifyWindow });
    const matchedDepartures = new Set(matches.map((m) => m.departure));
    const matchedArrivals = new Set(matches.map((m) => m.arrival));
    for (const { departure, arrival, proof } of matches) {
      const where = otherSide(arrival.side);
      const move: MoveAction = { type: "move", side: where, fromKey: departure.key, toKey: arrival.key, entry: departure.other, reason: "rename" };
      yield move;
      const moved: SideSnapshot = { ...movedSnapshot(departure.other), hashes: { ...departure.other.hashes, [proof.algorithm]: proof.digest } };
      input.nextState?.addLate({ key: arrival.key, [arrival.side]: snapshotOf(arrival.entry), [where]: moved } as StateRecord);
    }
    const rest = new RenameCandidates(Infinity);
    rest.departures.push(...renames.departures.filter((d) => !matchedDepartures.has(d)));
    rest.arrivals.push(...renames.arrivals.filter((a) => !matchedArrivals.has(a)));
    yield* releaseHeld(rest);
  }

  if (firstRun && mode === "twoWay" && initial === "merge" && !input.initialChosen) warnIfLopsided(input, counts);
}

/** A renamed or moved-aside copy keeps size, mtime and content, but an etag may not survive. */
function movedSnapshot(entry: Entry): SideSnapshot {
  const s = snapshotOf(entry);
  delete s.etag;
  return s;
}

/** syncengine's warning: a first merge of very unequal sides is often a restore in disguise. */
function warnIfLopsided(input: BisyncPlanInput, counts: BisyncCounts): void {
  const { src, dst } = counts.inScope;
  const big = Math.max(src, dst);
  const small = Math.min(src, dst);
  if (big < 10 || small * 5 > big) return;
  const [bigSide, smallSide] = src >= dst ? ["source", "destination"] : ["destination", "source"];
  input.warn?.(
    `first run: the ${bigSide} has ${big} files but the ${smallSide} only ${small}; merging both without deleting anything. ` +
      `To make one side authoritative instead, run with --initial source-wins or --initial destination-wins`,
  );
}
