export type { SideSnapshot, StateRecord } from "./state-record.js";
export { snapshotOf, snapshotMatches, receivedSnapshot, entryOf } from "./state-record.js";
export { threeWayMerge, type KeyTriple, type ThreeWayMergeOptions } from "./three-way-merge.js";
export { createChangeDetector, type ChangeDetector, type ChangeDetectorOptions, type SideChange } from "./classify.js";
export { reconcile, type Verdict, type SettledChange } from "./reconcile.js";
export {
  CONFLICT_STRATEGIES,
  INITIAL_POLICIES,
  conflictCopyKey,
  conflictStamp,
  conflictWinner,
  parseConflictStrategy,
  parseInitialPolicy,
  type ConflictStrategy,
  type InitialPolicy,
} from "./conflicts.js";
export { checkBisyncGuards, emptyBisyncCounts, type BisyncCounts, type BisyncGuardOptions } from "./guards.js";
export { bisyncComparisons, type BisyncComparisons, type BisyncCompareOptions } from "./comparisons.js";
export { planBisync, type BisyncPlanInput, type NextStateSink } from "./plan-bisync.js";
