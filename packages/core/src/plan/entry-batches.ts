import type { Entry } from "../adapter.js";

/**
 * An optional fast lane for listings. A listing is an AsyncIterable<Entry>; one that already
 * holds its entries in arrays (a page, a worker's batch) may also offer them whole under this
 * symbol, so the planner takes a thousand entries per await instead of one. At 100k keys a
 * promise hop per entry per layer was most of a no-op sync's main-thread time. A listing that
 * offers batches reads ahead on its own (readAhead passes it through).
 */
export const ENTRY_BATCHES: unique symbol = Symbol.for("ferry.entryBatches");

/**
 * Any stream offering the same fast lane: the planner's own output (actions) is one too, so a
 * no-op run hands 100k skips to the executor a batch per await.
 */
export interface Batched<T> extends AsyncIterable<T> {
  [ENTRY_BATCHES](): AsyncIterator<readonly T[]>;
}

export type BatchedListing = Batched<Entry>;

export function isBatched<T>(items: AsyncIterable<T>): items is Batched<T> {
  return typeof (items as Partial<Batched<T>>)[ENTRY_BATCHES] === "function";
}

export function isBatchedListing(listing: AsyncIterable<Entry>): listing is BatchedListing {
  return isBatched(listing);
}

/** A stream made from a source of batches: iterable item by item, or batch by batch. */
export function batchedIterable<T>(batches: () => AsyncIterable<readonly T[]>): Batched<T> {
  return {
    [ENTRY_BATCHES]: () => batches()[Symbol.asyncIterator](),
    async *[Symbol.asyncIterator]() {
      for await (const batch of batches()) yield* batch;
    },
  };
}

/** A listing made from a source of batches: iterable entry by entry, or batch by batch. */
export function batchedListing(batches: () => AsyncIterable<readonly Entry[]>): BatchedListing {
  return batchedIterable(batches);
}

/** The batches of a stream: its own when it offers them, else one item per batch. */
export async function* batchesOf<T>(items: AsyncIterable<T>): AsyncGenerator<readonly T[]> {
  if (isBatched(items)) {
    const it = items[ENTRY_BATCHES]();
    try {
      for (;;) {
        const r = await it.next();
        if (r.done) return;
        yield r.value;
      }
    } finally {
      await it.return?.();
    }
  }
  for await (const item of items) yield [item];
}

/**
 * Reads a listing through a buffer: `peek`/`take` are synchronous while the current batch
 * lasts, and `fill` (awaited only when `needsFill`) fetches the next batch — or, for a plain
 * listing, the next entry.
 */
export class ListingCursor {
  private buffer: readonly Entry[] = [];
  private index = 0;
  private finished = false;
  private readonly batches: AsyncIterator<readonly Entry[]> | undefined;
  private readonly entries: AsyncIterator<Entry> | undefined;

  constructor(listing: AsyncIterable<Entry>) {
    if (isBatchedListing(listing)) this.batches = listing[ENTRY_BATCHES]();
    else this.entries = listing[Symbol.asyncIterator]();
  }

  /** True when nothing is buffered and the listing may have more: `await fill()` first. */
  get needsFill(): boolean {
    return this.index >= this.buffer.length && !this.finished;
  }

  /** The next entry, or undefined at the end (only meaningful when !needsFill). */
  take(): Entry | undefined {
    return this.index < this.buffer.length ? this.buffer[this.index++] : undefined;
  }

  async fill(): Promise<void> {
    while (this.index >= this.buffer.length && !this.finished) {
      if (this.batches) {
        const r = await this.batches.next();
        if (r.done) this.finished = true;
        else {
          this.buffer = r.value;
          this.index = 0;
        }
      } else {
        const r = await this.entries!.next();
        if (r.done) this.finished = true;
        else {
          this.buffer = [r.value];
          this.index = 0;
        }
      }
    }
  }

  /** Stops the listing (closes cursors, sockets) when the consumer stops early. */
  async close(): Promise<void> {
    await (this.batches ?? this.entries)?.return?.();
  }
}
