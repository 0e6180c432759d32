import { Transform, type TransformCallback } from "node:stream";
import { sleep } from "./retry.js";

/** Something that paces work: `take(n)` resolves once n tokens (bytes, requests) may be spent. */
export interface RateLimiter {
  take(n: number, signal?: AbortSignal): Promise<void>;
}

/** Several limits at once (this machine's and the run's): each must allow the spend. */
export function allOf(limiters: ReadonlyArray<RateLimiter | undefined>): RateLimiter | undefined {
  const present = limiters.filter((l): l is RateLimiter => l !== undefined);
  if (present.length <= 1) return present[0];
  return {
    async take(n, signal) {
      for (const l of present) await l.take(n, signal);
    },
  };
}

/**
 * A token bucket shared by all transfers: `--bwlimit` (bytes/s) and `--tpslimit` (requests/s)
 * are totals for the run, not per transfer.
 */
export class TokenBucket implements RateLimiter {
  private tokens: number;
  private last = Date.now();
  constructor(
    private readonly ratePerSecond: number,
    private readonly burst = ratePerSecond,
  ) {
    this.tokens = burst;
  }

  async take(n: number, signal?: AbortSignal): Promise<void> {
    // a request larger than the burst is let through once the bucket is full, in debt
    for (;;) {
      this.refill();
      if (this.tokens >= Math.min(n, this.burst)) {
        this.tokens -= n;
        return;
      }
      const missing = Math.min(n, this.burst) - this.tokens;
      await sleep(Math.max(5, (missing / this.ratePerSecond) * 1000), signal);
    }
  }

  private refill(): void {
    const now = Date.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.ratePerSecond);
    this.last = now;
  }
}

/** A pass-through stream that waits for bandwidth tokens before letting each chunk on. */
export function throttled(bucket: RateLimiter, signal?: AbortSignal): Transform {
  return new Transform({
    highWaterMark: 1 << 20,
    transform(chunk: Buffer, _enc, cb: TransformCallback) {
      bucket.take(chunk.length, signal).then(
        () => cb(null, chunk),
        (e) => cb(e as Error),
      );
    },
  });
}
