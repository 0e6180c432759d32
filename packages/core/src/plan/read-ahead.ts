import type { Entry } from "../adapter.js";
import { isBatchedListing } from "./entry-batches.js";

/**
 * Pulls up to `size` items ahead of the consumer, so a listing keeps fetching its next page
 * while the planner is busy with the other side (S3 pages cost a round trip each).
 */
export function readAhead<T>(source: AsyncIterable<T>, size: number): AsyncIterable<T> {
  // a batched listing fetches its next batch while this one is consumed (entry-batches.ts)
  if (isBatchedListing(source as AsyncIterable<Entry>)) return source;
  return readAheadEach(source, size);
}

async function* readAheadEach<T>(source: AsyncIterable<T>, size: number): AsyncGenerator<T> {
  if (size <= 1) {
    yield* source;
    return;
  }
  const it = source[Symbol.asyncIterator]();
  const buffer: T[] = [];
  let done = false;
  let failure: { error: unknown } | undefined;
  let wake: (() => void) | undefined;
  let resume: (() => void) | undefined;
  let stopped = false;

  const pump = (async () => {
    try {
      while (!stopped) {
        if (buffer.length >= size) {
          await new Promise<void>((r) => (resume = r));
          continue;
        }
        const r = await it.next();
        if (r.done) break;
        buffer.push(r.value);
        wake?.();
      }
    } catch (error) {
      failure = { error };
    } finally {
      done = true;
      wake?.();
    }
  })();

  try {
    for (;;) {
      if (buffer.length > 0) {
        const item = buffer.shift()!;
        resume?.();
        resume = undefined;
        yield item;
        continue;
      }
      if (failure) throw failure.error;
      if (done) break;
      await new Promise<void>((r) => (wake = r));
      wake = undefined;
    }
  } finally {
    stopped = true;
    resume?.();
    await pump;
    if (!done || stopped) await it.return?.();
  }
}
