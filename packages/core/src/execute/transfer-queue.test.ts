import { describe, expect, it } from "vitest";
import { TransferQueue } from "./transfer-queue.js";

describe("TransferQueue", () => {
  it("hands items over in order and makes the producer wait while it is full", async () => {
    const q = new TransferQueue<number>(2);
    expect(q.push(1)).toBeUndefined();
    const full = q.push(2);
    expect(full).toBeInstanceOf(Promise);
    let released = false;
    void full!.then(() => (released = true));
    const it = q[Symbol.asyncIterator]();
    expect(await it.next()).toEqual({ done: false, value: 1 });
    await Promise.resolve();
    expect(released).toBe(true);
    q.end();
    expect(await it.next()).toEqual({ done: false, value: 2 });
    expect((await it.next()).done).toBe(true);
  });

  it("wakes a waiting consumer on push and on end", async () => {
    const q = new TransferQueue<string>(8);
    const it = q[Symbol.asyncIterator]();
    const first = it.next();
    q.push("a");
    expect(await first).toEqual({ done: false, value: "a" });
    const last = it.next();
    q.end();
    expect((await last).done).toBe(true);
  });

  it("releases a waiting producer and drops later pushes once the consumer is gone", async () => {
    const q = new TransferQueue<number>(1);
    const waiting = q.push(1);
    const it = q[Symbol.asyncIterator]();
    await it.return!();
    await waiting;
    expect(q.push(2)).toBeUndefined();
    expect(q.size).toBe(0);
    expect((await it.next()).done).toBe(true);
  });

  it("keeps order across its internal compaction", async () => {
    const q = new TransferQueue<number>(5000);
    for (let i = 0; i < 3000; i++) q.push(i);
    q.end();
    const out: number[] = [];
    for await (const n of q) out.push(n);
    expect(out).toEqual(Array.from({ length: 3000 }, (_, i) => i));
  });
});
