import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { randomBytes } from "node:crypto";
import type { TransferAction } from "@ferry/core";
import { sync } from "@ferry/sdk";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { BULL_PREFIX } from "../src/bull-settings.js";
import { JOB_NAME, WIRE_VERSION, type BatchJobData } from "../src/job-data.js";
import { parseQueueUrl } from "../src/redis-url.js";
import { createBucket, redisUrl, s3Server } from "./servers.js";
import { makeTree, tempDir, removeTempDirs } from "./trees.js";
import { type WorkerProcess, startWorkers } from "./worker-process.js";

/** Runs that end early: a coordinator that is gone, a run that is interrupted. */

let redis: Redis | undefined;
const running: WorkerProcess[] = [];

// per test, not per file: a missing server fails every test by name instead of skipping them
beforeEach(() => {
  redis ??= new Redis(redisUrl());
});

afterAll(async () => {
  await Promise.all(running.map((w) => w.stop()));
  redis?.disconnect();
  removeTempDirs();
});

const queueFor = (name: string) => `${redisUrl()}/0?queue=${name}-${randomBytes(3).toString("hex")}`;

describe("run lifecycle", () => {
  it("a batch whose coordinator is gone (no run heartbeat) is dropped, not executed", async () => {
    const queueUrl = queueFor("orphan");
    const { queueName } = parseQueueUrl(queueUrl);
    const src = makeTree(3);
    const dst = tempDir();
    const actions: TransferAction[] = ["d00/f000000.txt", "d01/f000001.txt", "d02/f000002.txt"].map((key) => ({
      type: "transfer",
      key,
      targetKey: key,
      from: "src",
      to: "dst",
      source: { key, size: fs.statSync(path.join(src, key)).size },
      reason: "new",
    }));
    const data: BatchJobData = {
      v: WIRE_VERSION,
      runId: "r-coordinator-died",
      locations: { src: pathToFileURL(src).href, dst: pathToFileURL(dst).href },
      settings: { retry: { retries: 0, baseDelayMs: 1, maxDelayMs: 1 }, transfers: 2 },
      actions,
    };
    const queue = new Queue(queueName, { connection: parseQueueUrl(queueUrl).redis, prefix: BULL_PREFIX });
    try {
      await queue.add(JOB_NAME, data, { jobId: "r-coordinator-died-1" });
      const [worker] = await startWorkers(1, queueUrl);
      running.push(worker!);
      await worker!.waitFor((e) => e.type === "batch-dropped");
      // the event is printed just before the job is marked completed
      const deadline = Date.now() + 10_000;
      while ((await queue.getJobState("r-coordinator-died-1")) !== "completed" && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      const job = await queue.getJob("r-coordinator-died-1");
      expect(job?.returnvalue).toMatchObject({ dropped: true, results: [] });
      expect(fs.readdirSync(dst)).toEqual([]);
    } finally {
      await queue.close();
    }
  });

  it("an interrupted run takes its queued batches back and ends its heartbeat", async () => {
    const s3 = s3Server();
    const bucket = await createBucket(s3);
    const queueUrl = queueFor("interrupt");
    const { queueName } = parseQueueUrl(queueUrl);
    // slow workers: most batches are still queued when the run is interrupted
    running.push(...(await startWorkers(2, queueUrl, { env: s3.env, args: ["--concurrency", "1", "--bwlimit", "128K"] })));
    const src = makeTree(1_000, { minSize: 1000, maxSize: 2000 });
    const controller = new AbortController();
    const result = await sync(src, `s3://${bucket}/interrupted/`, {
      queue: queueUrl,
      env: s3.env,
      batchKeys: 20,
      signal: controller.signal,
      onEvent: (e) => {
        if (e.type === "transfer") controller.abort();
      },
    });
    expect(result.stats.outcome).toBe("aborted");
    expect(result.stats.transferred).toBeLessThan(1_000);

    const queue = new Queue(queueName, { connection: parseQueueUrl(queueUrl).redis, prefix: BULL_PREFIX });
    try {
      expect(await queue.getWaitingCount()).toBe(0);
      expect(await redis!.keys(`ferry:${queueName}:cluster:run:*`)).toEqual([]);
      // batches that were running when the run ended are cut short by their workers
      const deadline = Date.now() + 20_000;
      while ((await queue.getActiveCount()) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
      expect(await queue.getActiveCount()).toBe(0);
    } finally {
      await queue.close();
    }
  });
});
