import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { TokenBucket, type RateLimiter } from "@ferry/core";
import { afterAll, describe, expect, it } from "vitest";
import { RateLimits } from "../src/rate-limits.js";
import { SharedTokenBucket } from "../src/shared-rate.js";
import { redisUrl } from "./servers.js";

const clients: Redis[] = [];
function client(): Redis {
  const c = new Redis(redisUrl(), { maxRetriesPerRequest: 1 });
  clients.push(c);
  return c;
}
afterAll(async () => {
  await Promise.all(clients.map((c) => c.quit()));
});

/** Two "workers" spending chunks as fast as their limiters allow for `ms`; the bytes they got through. */
async function spend(limiters: RateLimiter[], chunk: number, ms: number): Promise<{ total: number; elapsed: number }> {
  const started = Date.now();
  let total = 0;
  await Promise.all(
    limiters.map(async (l) => {
      while (Date.now() - started < ms) {
        await l.take(chunk);
        total += chunk;
      }
    }),
  );
  return { total, elapsed: Date.now() - started };
}

describe("a run's --bwlimit shared by its workers through Redis", () => {
  const rate = 256 * 1024;
  const burst = 64 * 1024;
  const chunk = 16 * 1024;

  it("two workers together stay within the run's rate (each alone would not)", async () => {
    const key = `ferry:test:rate:${randomBytes(4).toString("hex")}`;
    const shared = await spend([new SharedTokenBucket(client(), key, rate, burst), new SharedTokenBucket(client(), key, rate, burst)], chunk, 1500);
    // an upper bound only: a slow machine spends less, never more
    expect(shared.total).toBeLessThanOrEqual((rate * shared.elapsed) / 1000 + burst + 2 * chunk);
    expect(shared.total).toBeGreaterThan(0);
    // the same spend with a bucket per worker gets about twice as far: what the shared bucket prevents
    const separate = await spend([new TokenBucket(rate, burst), new TokenBucket(rate, burst)], chunk, 1500);
    expect(separate.total).toBeGreaterThan((rate * separate.elapsed) / 1000 + burst + 2 * chunk);
  });

  it("a spend larger than the burst goes through once the bucket is full, in debt", async () => {
    const key = `ferry:test:rate:${randomBytes(4).toString("hex")}`;
    const bucket = new SharedTokenBucket(client(), key, rate, burst);
    await bucket.take(4 * burst);
    const redis = client();
    expect(Number(await redis.hget(key, "tokens"))).toBeLessThan(0);
    expect(await redis.pttl(key)).toBeGreaterThan(0);
  });

  it("a worker's own limit and the run's both apply; batches of one run share its limiter", async () => {
    const made: string[] = [];
    const limits = new RateLimits({ bwlimit: 1_000_000 }, (runId, kind, r) => {
      made.push(`${runId}:${kind}:${r}`);
      return new TokenBucket(r);
    });
    const a = limits.acquire("run1", { bwlimit: 500_000, tpslimit: 10 });
    const b = limits.acquire("run1", { bwlimit: 500_000, tpslimit: 10 });
    const c = limits.acquire("run2", {});
    expect(made).toEqual(["run1:bandwidth:500000", "run1:requests:10"]);
    expect(a.bandwidth).toBeDefined();
    expect(a.requests).toBeDefined();
    // run2 has no limits of its own: only the worker's
    expect(c.bandwidth).toBeDefined();
    expect(c.requests).toBeUndefined();
    a.release();
    b.release();
    limits.acquire("run1", { bwlimit: 500_000 });
    expect(made).toHaveLength(3);
    expect(new RateLimits({}, () => new TokenBucket(1)).acquire("r", {})).toEqual({ release: expect.any(Function) });
  });
});
