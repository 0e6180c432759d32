import { TokenBucket, allOf, type RateLimiter } from "@ferry/core";
import type { RateKind } from "./shared-rate.js";

export interface Rates {
  /** bytes per second */
  bwlimit?: number;
  /** requests per second */
  tpslimit?: number;
}

export interface RateLease {
  bandwidth?: RateLimiter;
  requests?: RateLimiter;
  release(): void;
}

/** Makes the run-wide limiter of one kind (a bucket in Redis that every worker of the run shares). */
export type SharedLimiterFactory = (runId: string, kind: RateKind, ratePerSecond: number, burst: number) => RateLimiter;

interface RunEntry {
  bandwidth?: RateLimiter;
  requests?: RateLimiter;
  users: number;
}

// the same burst sizes as a local run's buckets
const bandwidthBurst = (rate: number) => Math.max(rate / 4, 64 * 1024);
const requestBurst = (rate: number) => Math.max(1, rate);

/**
 * The limits a worker's batches run under. The worker's own limits (--bwlimit/--tpslimit on
 * `ferry worker`: this machine's budget) are in-process buckets shared by everything it runs.
 * A run's limits (--bwlimit/--tpslimit on the coordinator) are totals for the run, so they come
 * from buckets every worker of that run shares (`shared`: in Redis); where both exist, a spend
 * waits for both.
 */
export class RateLimits {
  private readonly runs = new Map<string, RunEntry>();
  private readonly ownBandwidth: TokenBucket | undefined;
  private readonly ownRequests: TokenBucket | undefined;

  constructor(
    own: Rates,
    private readonly shared: SharedLimiterFactory,
  ) {
    this.ownBandwidth = own.bwlimit ? new TokenBucket(own.bwlimit, bandwidthBurst(own.bwlimit)) : undefined;
    this.ownRequests = own.tpslimit ? new TokenBucket(own.tpslimit, requestBurst(own.tpslimit)) : undefined;
  }

  acquire(runId: string, run: Rates): RateLease {
    let entry = this.runs.get(runId);
    if (!entry) {
      entry = {
        users: 0,
        ...(run.bwlimit ? { bandwidth: this.shared(runId, "bandwidth", run.bwlimit, bandwidthBurst(run.bwlimit)) } : {}),
        ...(run.tpslimit ? { requests: this.shared(runId, "requests", run.tpslimit, requestBurst(run.tpslimit)) } : {}),
      };
      this.runs.set(runId, entry);
    }
    entry.users++;
    const held = entry;
    let released = false;
    const bandwidth = allOf([this.ownBandwidth, held.bandwidth]);
    const requests = allOf([this.ownRequests, held.requests]);
    return {
      ...(bandwidth ? { bandwidth } : {}),
      ...(requests ? { requests } : {}),
      release: () => {
        if (released) return;
        released = true;
        if (--held.users === 0) this.runs.delete(runId);
      },
    };
  }
}
