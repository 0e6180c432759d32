/**
 * Hands transfers from the planner to a runner that is already running, with back-pressure:
 * the planner waits while `capacity` transfers are queued, so memory stays bounded however
 * far the listing runs ahead of the transfers. Single consumer.
 */
export class TransferQueue<T> implements AsyncIterable<T> {
  private items: T[] = [];
  private head = 0;
  private ended = false;
  /** the consumer stopped taking (stop-on-error, Ctrl-C): pushes are dropped from then on */
  private abandoned = false;
  private takerWaiting: (() => void) | undefined;
  private pushersWaiting: Array<() => void> = [];

  constructor(private readonly capacity: number) {}

  get size(): number {
    return this.items.length - this.head;
  }

  /** Queues an item; the promise (only when the queue is full) resolves once there is room. */
  push(item: T): void | Promise<void> {
    if (this.abandoned || this.ended) return;
    this.items.push(item);
    this.wakeTaker();
    if (this.size < this.capacity) return;
    return new Promise<void>((resolve) => this.pushersWaiting.push(resolve));
  }

  /** No more items: the consumer finishes once it has taken what is queued. */
  end(): void {
    this.ended = true;
    this.wakeTaker();
  }

  /** The consumer is gone: queued items are dropped and waiting pushers released. */
  abandon(): void {
    this.abandoned = true;
    this.items = [];
    this.head = 0;
    this.releasePushers();
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return {
      next: async (): Promise<IteratorResult<T>> => {
        for (;;) {
          if (this.abandoned) return { done: true, value: undefined };
          if (this.size > 0) {
            const value = this.items[this.head]!;
            this.items[this.head++] = undefined as T;
            // compact now and then instead of shifting per item
            if (this.head >= 1024 && this.head * 2 >= this.items.length) {
              this.items = this.items.slice(this.head);
              this.head = 0;
            }
            if (this.size < this.capacity) this.releasePushers();
            return { done: false, value };
          }
          if (this.ended) return { done: true, value: undefined };
          await new Promise<void>((resolve) => (this.takerWaiting = resolve));
        }
      },
      return: async (): Promise<IteratorResult<T>> => {
        this.abandon();
        return { done: true, value: undefined };
      },
    };
  }

  private wakeTaker(): void {
    const wake = this.takerWaiting;
    this.takerWaiting = undefined;
    wake?.();
  }

  private releasePushers(): void {
    const waiting = this.pushersWaiting;
    if (waiting.length === 0) return;
    this.pushersWaiting = [];
    for (const resolve of waiting) resolve();
  }
}
