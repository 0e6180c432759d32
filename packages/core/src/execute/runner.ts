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

/**
 * Runs transfers in this process, `concurrency` at a time, yielding outcomes as they finish.
 *
 * A transfer whose destination says it only waits for a shared commit (`onCommitWait`, a
 * local group commit) stops counting against `concurrency`: the next transfer starts, so the
 * commit can gather more than `concurrency` files. The destination bounds how many may wait.
 */
export class InProcessRunner implements TransferRunner {
  constructor(private readonly concurrency: number) {}

  async *run(transfers: AsyncIterable<TransferAction>, ctx: TransferContext, control: RunControl): AsyncIterable<TransferOutcome> {
    // outcomes wait here until yielded; one wake-up promise at a time (racing every pending
    // transfer per step would pile reactions onto each of them)
    const finished: TransferOutcome[] = [];
    let wake: (() => void) | undefined;
    const notify = () => {
      const resolve = wake;
      wake = undefined;
      resolve?.();
    };
    // transfers holding a slot: started, not finished, not waiting for a commit
    const active = new Set<number>();
    let running = 0;
    let nextId = 0;
    const it = transfers[Symbol.asyncIterator]();
    let exhausted = false;
    try {
      for (;;) {
        while (!exhausted && active.size < this.concurrency && !control.stopped()) {
          const r = await it.next();
          if (r.done) {
            exhausted = true;
            break;
          }
          const id = nextId++;
          active.add(id);
          running++;
          const release = () => {
            if (active.delete(id)) notify();
          };
          void transferOne(r.value, ctx, release).then((outcome) => {
            active.delete(id);
            running--;
            finished.push(outcome);
            notify();
          });
        }
        if (finished.length > 0) {
          yield finished.shift()!;
          continue;
        }
        if (running === 0) break;
        await new Promise<void>((resolve) => (wake = resolve));
      }
    } finally {
      if (!exhausted) await it.return?.();
    }
  }
}
