export { MiB, bodyOf, collect, md5hex, randomData, readAll } from "../../../tooling/testing/object-bodies.js";

/** Runs `f` over items with a few in flight. */
export async function inParallel<T>(items: readonly T[], concurrency: number, f: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await f(items[next++]!);
    }),
  );
}
