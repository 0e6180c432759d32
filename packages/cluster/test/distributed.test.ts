import fs from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { randomBytes } from "node:crypto";
import type { Entry, FerryEvent } from "@ferry/core";
import { copy, list, move, openLocation, sync } from "@ferry/sdk";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { type S3Server, createBucket, redisUrl, s3Server } from "./servers.js";
import { makeTree, removeTempDirs } from "./trees.js";
import { type WorkerProcess, startWorkers } from "./worker-process.js";

/**
 * Distributed runs against a real Redis and a real s3rver, with real worker processes
 * (dist/worker-bin.js) that get the S3 credentials from their own environment. Each test uses
 * its own queue (`?queue=…`) so workers of one test never take another's batches.
 */

let s3: S3Server;
const running: WorkerProcess[] = [];

// per test, not per file: a missing server fails every test by name instead of skipping them
beforeEach(() => {
  s3 = s3Server();
  redisUrl();
});

afterAll(async () => {
  await Promise.all(running.map((w) => w.stop()));
  removeTempDirs();
});

const queueFor = (name: string) => `${redisUrl()}/0?queue=${name}-${randomBytes(3).toString("hex")}`;

async function workers(n: number, queue: string, options: Parameters<typeof startWorkers>[2] = {}): Promise<WorkerProcess[]> {
  const started = await startWorkers(n, queue, options);
  running.push(...started);
  return started;
}

async function listing(location: string): Promise<Array<Pick<Entry, "key" | "size" | "etag">>> {
  const out: Array<Pick<Entry, "key" | "size" | "etag">> = [];
  for await (const e of list(location, { env: s3.env })) out.push({ key: e.key, size: e.size, etag: e.etag });
  return out;
}

async function body(location: string, key: string): Promise<string> {
  const adapter = await openLocation(location, { env: s3.env });
  try {
    const chunks: Buffer[] = [];
    for await (const c of await adapter.read(key)) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString();
  } finally {
    await adapter.close?.();
  }
}

async function put(location: string, key: string, text: string): Promise<void> {
  const adapter = await openLocation(location, { env: s3.env });
  try {
    await adapter.write(key, Readable.from([Buffer.from(text)]), { size: Buffer.byteLength(text) });
  } finally {
    await adapter.close?.();
  }
}

function expectEachKeyOnce(uploaded: string[], expected: number) {
  expect(uploaded).toHaveLength(expected);
  expect(new Set(uploaded).size).toBe(expected);
}

describe("distributed sync over a BullMQ queue", () => {
  it("local→S3, 5,000 keys, coordinator + two worker processes: the same destination as a local run", async () => {
    const src = makeTree(5_000);
    const bucket = await createBucket(s3);
    const localDst = `s3://${bucket}/local/`;
    const distDst = `s3://${bucket}/distributed/`;
    const queue = queueFor("same");
    const [a, b] = await workers(2, queue, { env: s3.env });

    const local = await sync(src, localDst, { env: s3.env });
    expect(local.stats.transferred).toBe(5_000);

    const events: FerryEvent[] = [];
    const result = await sync(src, distDst, { queue, env: s3.env, minWorkers: 2, onEvent: (e) => events.push(e) });
    expect(result.errors).toBeUndefined();
    expect(result.stats).toMatchObject({ outcome: "success", transferred: 5_000, failed: 0, toTransfer: 5_000 });
    expect(result.stats.transferredBytes).toBe(local.stats.transferredBytes);
    // progress forwarded from the workers adds up to exactly what was written
    expect(result.stats.bytesDone).toBe(result.stats.transferredBytes);
    expectEachKeyOnce(result.uploaded, 5_000);
    // the same events a local run makes: a start before each transfer, no duplicates
    expect(events.filter((e) => e.type === "transfer")).toHaveLength(5_000);
    expect(events.filter((e) => e.type === "transfer-start")).toHaveLength(5_000);
    expect(events.some((e) => e.type === "summary")).toBe(true);

    // both workers took part
    for (const w of [a!, b!]) expect(w.events.some((e) => e.type === "batch-done")).toBe(true);

    const [l, d] = await Promise.all([listing(localDst), listing(distDst)]);
    expect(d).toHaveLength(5_000);
    expect(d).toEqual(l); // keys, sizes and etags (s3rver's etag is the body's MD5)
    for (const key of ["d00/f000000.txt", "d17/f002017.txt", "d39/f004999.txt"]) {
      expect(await body(distDst, key)).toBe(fs.readFileSync(path.join(src, key), "utf8"));
    }

    // an unchanged second run transfers nothing and needs no batch
    const again = await sync(src, distDst, { queue, env: s3.env });
    expect(again.stats).toMatchObject({ transferred: 0, skipped: 5_000 });
  });

  it("a worker killed with SIGKILL mid-batch: its batch is re-delivered and every key is transferred exactly once", async () => {
    const src = makeTree(600, { minSize: 1000, maxSize: 3000 });
    const bucket = await createBucket(s3);
    const dst = `s3://${bucket}/kill/`;
    const queue = queueFor("kill");
    // slow (bandwidth-limited) workers with short locks: a killed worker's batch comes back in seconds
    const args = ["--concurrency", "1", "--bwlimit", "256K", "--lock-duration", "3000", "--stalled-interval", "1500"];
    const [a, b] = await workers(2, queue, { env: s3.env, args });

    const events: FerryEvent[] = [];
    const run = sync(src, dst, { queue, env: s3.env, minWorkers: 2, onEvent: (e) => events.push(e) });
    const victim = await Promise.race([a!, b!].map((w) => w.waitFor((e) => e.type === "batch-start").then(() => w)));
    const survivor = victim === a ? b! : a!;
    const held = victim.events.find((e) => e.type === "batch-start") as Extract<(typeof victim.events)[number], { type: "batch-start" }>;
    victim.child.kill("SIGKILL");

    const result = await run;
    expect(result.errors).toBeUndefined();
    expect(result.stats).toMatchObject({ outcome: "success", transferred: 600, failed: 0 });
    expectEachKeyOnce(result.uploaded, 600);
    expect(result.stats.bytesDone).toBe(result.stats.transferredBytes);
    // the batch the victim held was run again by the survivor
    expect(survivor.events.some((e) => e.type === "batch-start" && e.batch === held.batch)).toBe(true);
    expect(victim.events.some((e) => e.type === "batch-done" && e.batch === held.batch)).toBe(false);
    expect(await listing(dst)).toHaveLength(600);
    // the workers' progress reached the coordinator while batches ran, as in a local run
    const total = result.stats.transferredBytes;
    expect(events.some((e) => e.type === "progress" && e.stats.bytesDone > 0 && e.stats.bytesDone < total)).toBe(true);
  });

  describe("delete: true", () => {
    // destination = an earlier copy of the source + 30 keys the source does not have; then 150
    // source files change and 50 are added
    async function prepare(name: string) {
      const src = makeTree(400);
      const bucket = await createBucket(s3);
      const dst = `s3://${bucket}/${name}/`;
      await sync(src, dst, { env: s3.env });
      for (let i = 0; i < 30; i++) await put(dst, `stale/s${i}.txt`, `stale ${i}`);
      const changed: string[] = [];
      for (let i = 0; i < 150; i++) {
        const key = `d${String(i % 40).padStart(2, "0")}/f${String(i).padStart(6, "0")}.txt`;
        fs.appendFileSync(path.join(src, key), " changed");
        changed.push(key);
      }
      makeTree(450, { dir: path.join(src, "new") });
      return { src, dst, changed };
    }

    it("deletes only after every batch has succeeded", async () => {
      const { src, dst } = await prepare("mirror");
      const queue = queueFor("mirror");
      await workers(2, queue, { env: s3.env });
      const events: FerryEvent[] = [];
      const result = await sync(src, dst, { queue, env: s3.env, delete: true, batchKeys: 50, onEvent: (e) => events.push(e) });
      expect(result.errors).toBeUndefined();
      expect(result.stats).toMatchObject({ outcome: "success", transferred: 600, deleted: 30 });
      const lastTransfer = events.map((e) => e.type).lastIndexOf("transfer");
      const firstDelete = events.findIndex((e) => e.type === "delete");
      expect(firstDelete).toBeGreaterThan(lastTransfer);
      const keys = (await listing(dst)).map((e) => e.key);
      expect(keys).toHaveLength(850);
      expect(keys.some((k) => k.startsWith("stale/"))).toBe(false);
    });

    it("a key that fails in one batch keeps every delete from running", async () => {
      const { src, dst, changed } = await prepare("failing");
      const queue = queueFor("failing");
      await workers(2, queue, { env: s3.env });
      const vanished = changed[77]!;
      const result = await sync(src, dst, {
        queue,
        env: s3.env,
        delete: true,
        batchKeys: 50,
        onEvent: (e) => {
          // the source file disappears after planning: its worker cannot read it
          if (e.type === "phase" && e.phase === "transferring") fs.rmSync(path.join(src, vanished));
        },
      });
      expect(result.stats).toMatchObject({ outcome: "partial", transferred: 599, failed: 1, deleted: 0 });
      expect(result.errors).toHaveLength(1);
      expect(result.errors![0]!.key).toBe(vanished);
      expect(result.errors![0]!.error.message).toMatch(/on worker/);
      const keys = (await listing(dst)).map((e) => e.key);
      expect(keys.filter((k) => k.startsWith("stale/"))).toHaveLength(30);
    });
  });

  it("a worker without credentials for the destination fails its batches with a clear per-key error", async () => {
    const src = makeTree(150);
    const bucket = await createBucket(s3);
    const dst = `s3://${bucket}/nocreds/`;
    await put(dst, "stale.txt", "must survive");
    const queue = queueFor("nocreds");
    // knows where S3 is, but has no keys
    const [worker] = await workers(1, queue, { env: { AWS_ENDPOINT_URL_S3: s3.endpoint, AWS_REGION: "us-east-1" } });
    const result = await sync(src, dst, { queue, env: s3.env, delete: true, maxDelete: "100%" });
    expect(result.stats).toMatchObject({ outcome: "partial", transferred: 0, failed: 150, deleted: 0 });
    expect(result.errors).toHaveLength(150);
    expect(new Set(result.errors!.map((e) => e.key)).size).toBe(150);
    for (const { error } of result.errors!) {
      expect(error.code).toBe("Unauthorized");
      expect(error.message).toMatch(/credentials/i);
      expect(error.message).toMatch(/on worker/);
    }
    // the batches were handed back before the last attempt reported per key — not retried forever
    expect(worker!.events.filter((e) => e.type === "batch-failed" && e.willRetry).length).toBeGreaterThan(0);
    expect((await listing(dst)).map((e) => e.key)).toEqual(["stale.txt"]);
  });

  it("copy and move run on the workers too", async () => {
    const bucket = await createBucket(s3);
    const queue = queueFor("copymove");
    await workers(2, queue, { env: s3.env });

    const copySrc = makeTree(120);
    const copied = await copy(copySrc, `s3://${bucket}/copy/`, { queue, env: s3.env });
    expect(copied.stats).toMatchObject({ outcome: "success", transferred: 120 });

    const moveSrc = makeTree(120);
    const moved = await move(moveSrc, `s3://${bucket}/move/`, { queue, env: s3.env });
    expect(moved.stats).toMatchObject({ outcome: "success", transferred: 120, deleted: 120 });
    expect(fs.readdirSync(moveSrc, { recursive: true }).filter((f) => String(f).endsWith(".txt"))).toEqual([]);
    expect(await listing(`s3://${bucket}/move/`)).toHaveLength(120);
  });
});
