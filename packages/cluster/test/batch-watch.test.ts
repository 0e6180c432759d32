import { FerryError } from "@ferry/core";
import { Queue, QueueEvents } from "bullmq";
import { randomBytes } from "node:crypto";
import { afterAll, expect, it } from "vitest";
import { BatchWatch } from "../src/batch-watch.js";
import { parseQueueUrl } from "../src/redis-url.js";
import { connectionOptions } from "../src/queue-connection.js";
import { redisUrl } from "./servers.js";

const closers: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const close of closers) await close();
});

it("a command abandoned after Redis is lost never becomes an unhandled rejection", async () => {
  const address = parseQueueUrl(redisUrl());
  const name = `watch-${randomBytes(4).toString("hex")}`;
  const queue = new Queue(name, { connection: connectionOptions(address) });
  const events = new QueueEvents(name, { connection: connectionOptions(address) });
  closers.push(() => events.close(), () => queue.close());
  const watch = new BatchWatch(queue, events, () => {});
  closers.push(async () => watch.stop());

  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  process.on("unhandledRejection", onUnhandled);
  try {
    const lost = new FerryError("Unreachable", "the queue went away");
    watch.fail(lost);
    // what a command on a closed connection does later: it rejects, with nobody waiting for it
    let rejectLater!: (e: Error) => void;
    const command = new Promise<number>((_, reject) => (rejectLater = reject));
    await expect(watch.guard(command)).rejects.toBe(lost);
    rejectLater(new Error("Connection is closed."));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(unhandled).toEqual([]);
  } finally {
    process.off("unhandledRejection", onUnhandled);
  }
});
