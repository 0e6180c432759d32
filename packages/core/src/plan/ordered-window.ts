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
  const pending: Array<R | Promise<R>> = [];
  for await (const item of input) {
    const r = fn(item);
    if (pending.length === 0 && !isPromise(r)) {
      yield r;
      continue;
    }
    if (isPromise(r)) r.catch(() => undefined); // surfaced when awaited in order
    pending.push(r);
    while (pending.length >= width || (pending.length > 0 && !isPromise(pending[0]))) {
      yield await pending.shift()!;
    }
  }
  while (pending.length > 0) yield await pending.shift()!;
}

function isPromise<R>(v: R | Promise<R>): v is Promise<R> {
  return typeof (v as { then?: unknown } | null)?.then === "function";
}
