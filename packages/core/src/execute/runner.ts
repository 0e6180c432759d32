import type { TransferAction } from "../actions.js";
import { type TransferContext, type TransferOutcome, transferOne } from "./transfer.js";

export interface RunControl {
  /** true once no new transfer may start (stop-on-error, max-failures, Ctrl-C) */
  stopped(): boolean;
}

/**
 * The seam where a batch of transfers is carried out. The in-process runner uses a bounded
 * pool here; the distributed runner (@ferry/cluster) enqueues batches for workers instead.
 * Either way the executor sees the same outcomes and emits the same events.
 */
export interface TransferRunner {
  run(transfers: AsyncIterable<TransferAction>, ctx: TransferContext, control: RunControl): AsyncIterable<TransferOutcome>;
}

/** Runs transfers in this process, `concurrency` at a time, yielding outcomes as they finish. */
export class InProcessRunner implements TransferRunner {
  constructor(private readonly concurrency: number) {}

  async *run(transfers: AsyncIterable<TransferAction>, ctx: TransferContext, control: RunControl): AsyncIterable<TransferOutcome> {
    const inFlight = new Map<number, Promise<{ id: number; outcome: TransferOutcome }>>();
    let nextId = 0;
    const it = transfers[Symbol.asyncIterator]();
    let exhausted = false;
    try {
      for (;;) {
        while (!exhausted && inFlight.size < this.concurrency && !control.stopped()) {
          const r = await it.next();
          if (r.done) {
            exhausted = true;
            break;
          }
          const id = nextId++;
          inFlight.set(
            id,
            transferOne(r.value, ctx).then((outcome) => ({ id, outcome })),
          );
        }
        if (inFlight.size === 0) break;
        const { id, outcome } = await Promise.race(inFlight.values());
        inFlight.delete(id);
        yield outcome;
      }
    } finally {
      if (!exhausted) await it.return?.();
    }
  }
}
