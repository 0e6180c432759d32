import { FerryError, isFerryError } from "@ferry/core";
import { Redis, type RedisOptions } from "ioredis";
import { type QueueAddress, parseQueueUrl } from "./redis-url.js";

/** How long a first connection may take before the queue counts as unreachable. */
export const PROBE_TIMEOUT_MS = 4_000;

/**
 * Connection settings for BullMQ and our own keys. `maxRetriesPerRequest: null` is what BullMQ
 * requires for its blocking connections; reconnects go on forever (a worker survives a Redis
 * restart), and the coordinator's heartbeat decides when a lost Redis ends a run.
 */
export function connectionOptions(address: QueueAddress): RedisOptions {
  return { ...address.redis, maxRetriesPerRequest: null, connectTimeout: 10_000 };
}

/** A plain client for the cluster's own keys (heartbeats, presence). */
export function openRedis(address: QueueAddress, onError: (error: FerryError) => void): Redis {
  const redis = new Redis({ ...connectionOptions(address), lazyConnect: false });
  // ioredis prints unhandled "error" events itself — with our handler they go to the caller,
  // mapped to FerryErrors that name the redacted URL
  redis.on("error", (e: unknown) => onError(queueError(e, address.display)));
  return redis;
}

/**
 * Checks that the queue's Redis answers (and accepts our credentials) within a few seconds.
 * Called before anything is planned or any worker starts, so a wrong `--queue` fails fast with
 * exit 3 instead of hanging in ioredis' reconnect loop.
 */
export async function probeQueue(url: string, options: { timeoutMs?: number } = {}): Promise<{ redisVersion?: string }> {
  const address = parseQueueUrl(url);
  const timeoutMs = options.timeoutMs ?? PROBE_TIMEOUT_MS;
  const redis = new Redis({
    ...address.redis,
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  let lastError: unknown;
  redis.on("error", (e: unknown) => {
    lastError = e;
  });
  const timedOut = new Error(`no answer within ${timeoutMs} ms`);
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(timedOut), timeoutMs);
    });
    await Promise.race([redis.connect().then(() => redis.ping()), timeout]);
    const version = await redisVersion(redis);
    if (version && Number(version.split(".")[0]) < 5) {
      throw new FerryError("Unsupported", `the queue at ${address.display} runs Redis ${version}; ferry's queue (BullMQ) needs Redis 5 or newer`);
    }
    return version ? { redisVersion: version } : {};
  } catch (e) {
    // the client's own error event (ECONNREFUSED, WRONGPASS…) says more than the rejection
    // ("Connection is closed", a timeout), when there is one
    throw queueError(lastError && !isFerryError(e) ? lastError : e, address.display);
  } finally {
    clearTimeout(timer);
    redis.disconnect();
  }
}

async function redisVersion(redis: Redis): Promise<string | undefined> {
  try {
    const info = await redis.info("server");
    return /redis_version:([^\r\n]+)/.exec(info)?.[1];
  } catch {
    // INFO may be denied by an ACL; BullMQ then needs skipVersionCheck, which we do not need
    return undefined;
  }
}

/**
 * Any Redis failure as a FerryError naming the redacted URL: authentication problems are
 * Unauthorized, everything else Unreachable (exit 3). ioredis' messages never contain the
 * password; the URL in ours is redacted.
 */
export function queueError(e: unknown, display: string): FerryError {
  if (isFerryError(e)) return e;
  const reason = e instanceof Error ? e.message : String(e);
  if (/WRONGPASS|NOAUTH|NOPERM|invalid password|invalid username/i.test(reason)) {
    return new FerryError("Unauthorized", `the queue at ${display} refused our credentials: ${reason}`, {
      hint: "check the user and password in the --queue URL (and the user's ACL)",
    });
  }
  return new FerryError("Unreachable", `cannot reach the queue at ${display}: ${reason || "connection failed"}`, {
    hint: "is Redis running there? --queue takes redis://host:port or rediss://host:port",
    retryable: false,
  });
}
