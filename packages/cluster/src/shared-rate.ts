import type { Redis } from "ioredis";
import { FerryError, sleep, type RateLimiter } from "@ferry/core";
import { clusterKey } from "./heartbeat.js";

/**
 * One token bucket in Redis for a whole distributed run: `--bwlimit` and `--tpslimit` are totals
 * (SPEC §7), so the workers of a run draw from the same bucket instead of each applying the full
 * rate. The refill uses the Redis server's clock (TIME), so workers' clocks do not matter. A
 * spend bigger than the burst goes through once the bucket is full, leaving it in debt — the
 * same rule as the in-process TokenBucket. The key expires an hour after its last use.
 */
const TAKE = `
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local want = tonumber(ARGV[3])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or burst
local at = tonumber(state[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - at) * rate / 1000)
local need = math.min(want, burst)
local wait = 0
if tokens >= need then
  tokens = tokens - want
else
  wait = math.ceil((need - tokens) * 1000 / rate)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], 3600000)
return wait
`;

export type RateKind = "bandwidth" | "requests";

export const rateKey = (queueName: string, runId: string, kind: RateKind) => clusterKey(queueName, "rate", runId, kind);

export class SharedTokenBucket implements RateLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly key: string,
    private readonly ratePerSecond: number,
    private readonly burst: number,
  ) {}

  async take(n: number, signal?: AbortSignal): Promise<void> {
    for (;;) {
      if (signal?.aborted) throw new FerryError("Aborted", "waiting for the run's rate limit was aborted");
      const wait = Number(await this.redis.eval(TAKE, 1, this.key, this.ratePerSecond, this.burst, n));
      if (!(wait > 0)) return;
      // rejects with Aborted when the signal fires
      await sleep(Math.max(5, wait), signal);
    }
  }
}
