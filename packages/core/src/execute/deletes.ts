import type { DeleteAction, MoveAction, Side } from "../actions.js";
import type { Adapter } from "../adapter.js";
import { FerryError, toFerryError } from "../errors.js";
import type { Backup } from "./backup.js";
import { type RetryPolicy, withRetries } from "./retry.js";
import type { RateLimiter } from "./throttle.js";

export interface DeleteContext {
  adapters: Record<Side, Adapter>;
  retry: RetryPolicy;
  signal?: AbortSignal;
  backup?: Backup;
  requests?: RateLimiter;
  /** keys per adapter.delete call (S3 takes up to 1,000) */
  batchSize?: number;
  concurrency?: number;
}

export interface DeleteResultItem {
  action: DeleteAction;
  error?: FerryError;
}

/**
 * Deletes in batches per side, a few batches in flight. A batch that fails as a whole is
 * reported per key; per-key failures inside a batch come from the adapter.
 */
export async function* runDeletes(
  deletes: AsyncIterable<DeleteAction>,
  ctx: DeleteContext,
  stopped: () => boolean,
): AsyncGenerator<DeleteResultItem[]> {
  const batchSize = ctx.batchSize ?? 1000;
  const width = ctx.concurrency ?? 4;
  const batches: Record<Side, DeleteAction[]> = { src: [], dst: [] };
  const inFlight: Array<Promise<DeleteResultItem[]>> = [];

  const launch = (side: Side) => {
    const batch = batches[side];
    batches[side] = [];
    if (batch.length) inFlight.push(deleteBatch(side, batch, ctx));
  };

  for await (const action of deletes) {
    if (stopped()) break;
    batches[action.side].push(action);
    if (batches[action.side].length >= batchSize) launch(action.side);
    while (inFlight.length >= width) yield await inFlight.shift()!;
  }
  if (!stopped()) {
    launch("src");
    launch("dst");
  }
  while (inFlight.length) yield await inFlight.shift()!;
}

async function deleteBatch(side: Side, batch: DeleteAction[], ctx: DeleteContext): Promise<DeleteResultItem[]> {
  const adapter = ctx.adapters[side];
  const failed = new Map<string, FerryError>();
  let toDelete = batch;
  if (ctx.backup) {
    const kept: DeleteAction[] = [];
    for (const action of batch) {
      try {
        await withRetries(() => ctx.backup!.save(side, action.key, ctx.signal), ctx.retry, ctx.signal);
        kept.push(action);
      } catch (e) {
        // never delete what could not be backed up
        failed.set(action.key, toFerryError(e, { key: action.key, adapter: adapter.name }));
      }
    }
    toDelete = kept;
  }
  if (toDelete.length) {
    try {
      await ctx.requests?.take(1, ctx.signal);
      const outcomes = await withRetries(
        () => adapter.delete(toDelete.map((a) => a.key), { signal: ctx.signal }),
        ctx.retry,
        ctx.signal,
      );
      for (const o of outcomes) if (o.error) failed.set(o.key, o.error);
    } catch (e) {
      for (const a of toDelete) failed.set(a.key, toFerryError(e, { key: a.key, adapter: adapter.name }));
    }
  }
  return batch.map((action) => {
    const error = failed.get(action.key);
    return error ? { action, error } : { action };
  });
}

/** Renames within one side: server-side move where the adapter has it, else copy + delete. */
export async function runMove(action: MoveAction, ctx: DeleteContext): Promise<FerryError | undefined> {
  const adapter = ctx.adapters[action.side];
  try {
    await withRetries(
      async () => {
        if (adapter.move) return adapter.move(action.fromKey, action.toKey, { signal: ctx.signal });
        const entry = action.entry;
        const body = await adapter.read(action.fromKey, { signal: ctx.signal });
        await adapter.write(
          action.toKey,
          body,
          {
            size: entry.size,
            ...(entry.mtime !== undefined ? { mtime: entry.mtime } : {}),
            ...(entry.contentType ? { contentType: entry.contentType } : {}),
            ...(entry.metadata ? { metadata: entry.metadata } : {}),
          },
          { signal: ctx.signal },
        );
        const [outcome] = await adapter.delete([action.fromKey], { signal: ctx.signal });
        if (outcome?.error) throw outcome.error;
      },
      ctx.retry,
      ctx.signal,
    );
    return undefined;
  } catch (e) {
    return toFerryError(e, { key: action.fromKey, adapter: adapter.name });
  }
}
