import { TokenBucket } from "@ferry/core";

export interface Rates {
  /** bytes per second */
  bwlimit?: number;
  /** requests per second */
  tpslimit?: number;
}

export interface RateLease {
  bandwidth?: TokenBucket;
  requests?: TokenBucket;
  release(): void;
}

interface Entry {
  bandwidth?: TokenBucket;
  requests?: TokenBucket;
  users: number;
}

/**
 * Token buckets shared by a worker's concurrent batches. The worker's own limits (--bwlimit on
 * `ferry worker`: this machine's budget) apply to everything it runs; a run's --bwlimit is
 * applied by each worker to its share of that run (there is no cluster-wide bucket), and where
 * both exist the lower rate wins.
 */
export class RateLimits {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly own: Rates) {}

  acquire(runId: string, run: Rates): RateLease {
    const bwlimit = lower(this.own.bwlimit, run.bwlimit);
    const tpslimit = lower(this.own.tpslimit, run.tpslimit);
    if (!bwlimit && !tpslimit) return { release() {} };
    // batches of runs without their own limits share the worker's buckets
    const key = run.bwlimit || run.tpslimit ? `run:${runId}` : "worker";
    let entry = this.entries.get(key);
    if (!entry) {
      entry = {
        users: 0,
        // the same burst sizes as a local run's buckets
        ...(bwlimit ? { bandwidth: new TokenBucket(bwlimit, Math.max(bwlimit / 4, 64 * 1024)) } : {}),
        ...(tpslimit ? { requests: new TokenBucket(tpslimit, Math.max(1, tpslimit)) } : {}),
      };
      this.entries.set(key, entry);
    }
    entry.users++;
    const held = entry;
    let released = false;
    return {
      ...(held.bandwidth ? { bandwidth: held.bandwidth } : {}),
      ...(held.requests ? { requests: held.requests } : {}),
      release: () => {
        if (released) return;
        released = true;
        if (--held.users === 0 && key !== "worker") this.entries.delete(key);
      },
    };
  }
}

function lower(a: number | undefined, b: number | undefined): number | undefined {
  if (!a) return b || undefined;
  if (!b) return a;
  return Math.min(a, b);
}
