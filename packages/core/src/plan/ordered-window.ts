import { batchesOf } from "./entry-batches.js";

/**
 * Maps a stream through a possibly-async function with at most `width` calls in flight,
 * yielding results in input order. Synchronous results pass straight through when nothing is
 * pending, so the common no-I/O path costs no promise per item.
 */
export async function* orderedWindow<T, R>(
  input: AsyncIterable<T>,
  fn: (item: T) => R | Promise<R>,
  width: number,
): AsyncGenerator<R> {
  for await (const results of orderedWindowBatches(batchesOf(input), fn, width)) yield* results;
}

/**
 * orderedWindow over batches, yielding a batch of results per input batch (one await per
 * batch on the synchronous path). A synchronous `undefined` result means "nothing for this
 * item" and is dropped; once `stopped()` turns true after a call, no further item is mapped
 * (what is in flight is still yielded) and the input is closed.
 */
export async function* orderedWindowBatches<T, R>(
  input: AsyncIterable<readonly T[]>,
  fn: (item: T) => R | Promise<R> | undefined,
  width: number,
  stopped: () => boolean = () => false,
): AsyncGenerator<R[]> {
  const pending: Array<R | Promise<R>> = [];
  for await (const items of input) {
    const out: R[] = [];
    let stop = false;
    for (const item of items) {
      const r = fn(item);
      if ((stop = stopped())) break;
      if (r === undefined) continue;
      if (pending.length === 0 && !isPromise(r)) {
        out.push(r);
        continue;
      }
      if (isPromise(r)) r.catch(() => undefined); // surfaced when awaited in order
      pending.push(r);
      while (pending.length >= width || (pending.length > 0 && !isPromise(pending[0]))) out.push(await pending.shift()!);
    }
    if (out.length > 0) yield out;
    if (stop) break;
  }
  while (pending.length > 0) yield [await pending.shift()!];
}

function isPromise<R>(v: R | Promise<R>): v is Promise<R> {
  return typeof (v as { then?: unknown } | null)?.then === "function";
}
