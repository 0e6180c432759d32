import type { Side } from "../actions.js";
import { type Adapter, commonHash, modifyWindow } from "../adapter.js";
import type { Comparator } from "../compare/comparator.js";
import { type CompareMode, type CustomCompare, createComparator } from "../compare/comparators.js";
import { type ChangeDetector, createChangeDetector } from "./classify.js";

export interface BisyncCompareOptions {
  compare?: CompareMode | CustomCompare;
  /** ms; overrides the adapters' precision */
  modifyWindow?: number;
  exactTimestamps?: boolean;
}

export interface BisyncComparisons {
  /** the two sides' current copies, src against dst */
  comparator: Comparator;
  /** each side against its own saved state */
  detectors: Record<Side, ChangeDetector>;
  /** ms within which the two sides' mtimes are equal */
  modifyWindow: number;
}

/** The pair's comparator and the per-side change detectors, from one --compare setting. */
export function bisyncComparisons(adapters: Record<Side, Adapter>, options: BisyncCompareOptions = {}): BisyncComparisons {
  const comparator = createComparator(adapters.src, adapters.dst, {
    ...(options.compare !== undefined ? { compare: options.compare } : {}),
    ...(options.modifyWindow !== undefined ? { modifyWindow: options.modifyWindow } : {}),
    ...(options.exactTimestamps ? { exactTimestamps: true } : {}),
    fromSide: "src",
    toSide: "dst",
  });
  const hashAlgorithm = comparator.name === "checksum" ? (commonHash(adapters.src, adapters.dst) ?? "md5") : undefined;
  const detector = (side: Side) =>
    createChangeDetector(adapters[side], side, {
      ...(options.compare !== undefined ? { compare: options.compare } : {}),
      ...(options.modifyWindow !== undefined ? { modifyWindow: options.modifyWindow } : {}),
      ...(hashAlgorithm ? { hashAlgorithm } : {}),
    });
  return {
    comparator,
    detectors: { src: detector("src"), dst: detector("dst") },
    modifyWindow: options.exactTimestamps ? 0 : (options.modifyWindow ?? modifyWindow(adapters.src, adapters.dst)),
  };
}
