import type { Entry } from "../adapter.js";
import { FerryError } from "../errors.js";
import { compareKeys } from "../keys.js";
import { mergeListings } from "../plan/merge.js";
import type { StateRecord } from "./state-record.js";

/** One key of the three-way merge: what each side holds now, and what the last run saved. */
export interface KeyTriple {
  key: string;
  src?: Entry;
  dst?: Entry;
  prev?: StateRecord;
}

export interface ThreeWayMergeOptions {
  /** names used in out-of-order errors */
  labelSrc?: string;
  labelDst?: string;
}

/**
 * Streams the union of the two sides' listings and the saved state, all sorted by the key's
 * UTF-8 bytes, pairing equal keys. Memory is one item per input, whatever the number of keys.
 * An unsorted or duplicated state is an error: a merge over it would mistake keys for deleted.
 */
export async function* threeWayMerge(
  src: AsyncIterable<Entry>,
  dst: AsyncIterable<Entry>,
  state: AsyncIterable<StateRecord> | undefined,
  options: ThreeWayMergeOptions = {},
): AsyncGenerator<KeyTriple> {
  const pairs = mergeListings(src, dst, { labelA: options.labelSrc ?? "source", labelB: options.labelDst ?? "destination" });
  if (!state) {
    for await (const p of pairs) yield { key: p.key, ...(p.a ? { src: p.a } : {}), ...(p.b ? { dst: p.b } : {}) };
    return;
  }
  const it = state[Symbol.asyncIterator]();
  let previousKey: string | undefined;
  const nextState = async (): Promise<StateRecord | undefined> => {
    const r = await it.next();
    if (r.done) return undefined;
    const key = r.value.key;
    if (previousKey !== undefined && compareKeys(previousKey, key) >= 0) {
      throw new FerryError("Provider", `the saved bisync state is ${previousKey === key ? "duplicated" : "out of order"} at ${JSON.stringify(key)}`, {
        hint: "run once with --resync to rebuild it",
      });
    }
    previousKey = key;
    return r.value;
  };
  try {
    let s = await nextState();
    for await (const p of pairs) {
      while (s && compareKeys(s.key, p.key) < 0) {
        yield { key: s.key, prev: s };
        s = await nextState();
      }
      const prev = s && s.key === p.key ? s : undefined;
      yield { key: p.key, ...(p.a ? { src: p.a } : {}), ...(p.b ? { dst: p.b } : {}), ...(prev ? { prev } : {}) };
      if (prev) s = await nextState();
    }
    while (s) {
      yield { key: s.key, prev: s };
      s = await nextState();
    }
  } finally {
    await it.return?.();
  }
}
