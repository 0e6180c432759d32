import type { Redis } from "ioredis";

/**
 * Liveness through Redis, both ways:
 * - a run key with a TTL that the coordinator keeps refreshing: workers drop (or abort) batches
 *   of a run whose key is gone — its coordinator finished, was interrupted, or died;
 * - a sorted set of workers scored by their last beat (Redis' own clock, so machines with
 *   skewed clocks agree): the coordinator counts live workers and their capacity.
 * These keys sit beside BullMQ's (`ferry:<queue>:…`); job ids never contain ":", so
 * `ferry:<queue>:cluster:…` cannot collide with a job's keys.
 */

export const RUN_TTL_MS = 30_000;
export const RUN_BEAT_MS = 5_000;
export const WORKER_TTL_MS = 15_000;
export const WORKER_BEAT_MS = 5_000;

export const clusterKey = (queueName: string, ...parts: string[]) => `ferry:${queueName}:cluster:${parts.join(":")}`;
export const runKey = (queueName: string, runId: string) => clusterKey(queueName, "run", runId);
const workersKey = (queueName: string) => clusterKey(queueName, "workers");

/** Redis' clock in ms: one clock for every machine in the cluster. */
export async function redisNow(redis: Redis): Promise<number> {
  const [seconds, micros] = await redis.time();
  return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
}

/** Coordinator side: keeps `run:<id>` alive while the run may still need workers. */
export class RunHeartbeat {
  private timer: NodeJS.Timeout | undefined;
  /** when Redis last took a beat (ms, local clock) */
  lastBeatAt = Date.now();

  constructor(
    private readonly redis: Redis,
    private readonly queueName: string,
    private readonly runId: string,
    private readonly onBeat: (ok: boolean) => void = () => {},
  ) {}

  async start(info: Record<string, unknown>): Promise<void> {
    const value = JSON.stringify(info);
    await this.redis.set(runKey(this.queueName, this.runId), value, "PX", RUN_TTL_MS);
    this.lastBeatAt = Date.now();
    this.timer = setInterval(() => {
      this.redis.set(runKey(this.queueName, this.runId), value, "PX", RUN_TTL_MS).then(
        () => {
          this.lastBeatAt = Date.now();
          this.onBeat(true);
        },
        () => this.onBeat(false),
      );
    }, RUN_BEAT_MS);
    this.timer.unref();
  }

  /** Stops beating; the key expires on its own within RUN_TTL_MS. */
  halt(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Ends the run for the workers at once: batches still queued or running are dropped by them. */
  async stop(): Promise<void> {
    this.halt();
    await this.redis.del(runKey(this.queueName, this.runId));
  }
}

export async function isRunAlive(redis: Redis, queueName: string, runId: string): Promise<boolean> {
  return (await redis.exists(runKey(queueName, runId))) === 1;
}

/** Worker side: announces this worker and its capacity (concurrent batches) every few seconds. */
export class WorkerPresence {
  private timer: NodeJS.Timeout | undefined;
  private readonly member: string;

  constructor(
    private readonly redis: Redis,
    private readonly queueName: string,
    workerId: string,
    concurrency: number,
  ) {
    this.member = JSON.stringify({ id: workerId, concurrency });
  }

  async start(): Promise<void> {
    await this.beat();
    this.timer = setInterval(() => {
      this.beat().catch(() => {
        // Redis away: the next beat retries; being counted dead meanwhile is harmless
      });
    }, WORKER_BEAT_MS);
    this.timer.unref();
  }

  private async beat(): Promise<void> {
    await this.redis.zadd(workersKey(this.queueName), await redisNow(this.redis), this.member);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.redis.zrem(workersKey(this.queueName), this.member);
  }
}

export interface LiveWorkers {
  count: number;
  /** batches they can run at once, all together */
  capacity: number;
}

/** Workers that beat within WORKER_TTL_MS; older entries (killed workers) are pruned. */
export async function liveWorkers(redis: Redis, queueName: string): Promise<LiveWorkers> {
  const key = workersKey(queueName);
  const cutoff = (await redisNow(redis)) - WORKER_TTL_MS;
  await redis.zremrangebyscore(key, "-inf", `(${cutoff}`);
  const members = await redis.zrange(key, 0, -1);
  let capacity = 0;
  for (const m of members) {
    try {
      const c = Number((JSON.parse(m) as { concurrency?: unknown }).concurrency);
      capacity += Number.isFinite(c) && c > 0 ? c : 1;
    } catch {
      capacity += 1;
    }
  }
  return { count: members.length, capacity };
}
