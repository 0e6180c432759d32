/**
 * Holds planned actions between planning and execution. Deletes must wait until every
 * transfer is done (and the guards have seen the whole plan), so they are parked somewhere;
 * the SDK supplies a file-backed spool so a million planned deletes do not live in memory.
 */
export interface Spool<T> {
  push(item: T): void | Promise<void>;
  /** no more pushes; reading may start */
  finish(): Promise<void>;
  /** the items in push order; may be read once */
  drain(): AsyncIterable<T>;
  readonly count: number;
  /** releases storage (idempotent) */
  dispose(): Promise<void>;
}

export type SpoolFactory = <T>(name: string) => Spool<T>;

export const memorySpool: SpoolFactory = <T>(): Spool<T> => {
  let items: T[] = [];
  return {
    push(item: T) {
      items.push(item);
    },
    async finish() {},
    async *drain() {
      const taken = items;
      items = [];
      for (const item of taken) yield item;
    },
    get count() {
      return items.length;
    },
    async dispose() {
      items = [];
    },
  };
};
