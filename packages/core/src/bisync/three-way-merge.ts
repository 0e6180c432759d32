import type { Entry } from "../adapter.js";
import { FerryError } from "../errors.js";
import { compareKeys } from "../keys.js";
import type { StateRecord } from "./state-record.js";

/** One key of the three-way merge: what each side holds now, and what the last run saved. */
export interface KeyTriple {
  key: string;
  src?: Entry | undefined;
  dst?: Entry | undefined;
  prev?: StateRecord | undefined;
}

export interface ThreeWayMergeOptions {
  /** names used in out-of-order errors */
  labelSrc?: string;
  labelDst?: string;
}

/** The head of one sorted input, checking the order as it advances. */
class Cursor<T extends { key: string }> {
  head: T | undefined;
  private previous: string | undefined;
  private readonly it: AsyncIterator<T>;

  constructor(
    input: AsyncIterable<T>,
    private readonly disorder: (previous: string, key: string) => FerryError,
  ) {
    this.it = input[Symbol.asyncIterator]();
  }

  async advance(): Promise<void> {
    const r = await this.it.next();
    if (r.done) {
      this.head = undefined;
      return;
    }
    const key = r.value.key;
    if (this.previous !== undefined && compareKeys(this.previous, key) >= 0) throw this.disorder(this.previous, key);
    this.previous = key;
    this.head = r.value;
  }

  async close(): Promise<void> {
    await this.it.return?.();
  }
}

/**
 * Streams the union of the two sides' listings and the saved state, all sorted by the key's
 * UTF-8 bytes, pairing equal keys. Memory is one item per input, whatever the number of keys;
 * one generator does the whole join (this loop runs for every key of every run). An unsorted
 * or duplicated input is an error: a merge over it would plan wrong deletions.
 */
export async function* threeWayMerge(
  src: AsyncIterable<Entry>,
  dst: AsyncIterable<Entry>,
  state: AsyncIterable<StateRecord> | undefined,
  options: ThreeWayMergeOptions = {},
): AsyncGenerator<KeyTriple> {
  const listing = (label: string) => (previous: string, key: string) =>
    new FerryError("Provider", `the ${label} listing is ${previous === key ? "listed twice" : "out of order"}: ${JSON.stringify(key)} came after ${JSON.stringify(previous)}`);
  const a = new Cursor(src, listing(options.labelSrc ?? "source"));
  const b = new Cursor(dst, listing(options.labelDst ?? "destination"));
  const s = state
    ? new Cursor(
        state,
        (previous, key) =>
          new FerryError("Provider", `the saved bisync state is ${previous === key ? "duplicated" : "out of order"} at ${JSON.stringify(key)}`, {
            hint: "run once with --resync to rebuild it",
          }),
      )
    : undefined;
  try {
    await Promise.all([a.advance(), b.advance(), s?.advance()]);
    for (;;) {
      let key = a.head?.key;
      const kb = b.head?.key;
      const ks = s?.head?.key;
      if (kb !== undefined && (key === undefined || compareKeys(kb, key) < 0)) key = kb;
      if (ks !== undefined && (key === undefined || compareKeys(ks, key) < 0)) key = ks;
      if (key === undefined) return;
      const ea = a.head?.key === key ? a.head : undefined;
      const eb = kb === key ? b.head : undefined;
      const es = ks === key ? s!.head : undefined;
      yield { key, src: ea, dst: eb, prev: es };
      if (ea) await a.advance();
      if (eb) await b.advance();
      if (es) await s!.advance();
    }
  } finally {
    // stop the listings (closes cursors, sockets) when the consumer stops early
    await Promise.allSettled([a.close(), b.close(), s?.close()]);
  }
}
