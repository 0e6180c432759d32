import type { JobsOptions } from "bullmq";

/** Key prefix of the queue's BullMQ keys: `ferry:<queue>:…`. */
export const BULL_PREFIX = "ferry";

/**
 * Per-batch job options. A batch is tried a few times (a worker lacking an adapter or
 * credentials hands it back for another), then reported per key as failed — never retried
 * forever. Finished jobs are removed by the coordinator once it has their results; the age
 * limits only clean up after a coordinator that died, so the queue expires on its own.
 */
export const JOB_OPTIONS: JobsOptions = {
  attempts: 3,
  backoff: { type: "exponential", delay: 1_000 },
  removeOnComplete: { age: 3_600 },
  removeOnFail: { age: 24 * 3_600 },
};

/**
 * Stalled-job recovery: a worker renews its batches' locks every lockDuration/2; a batch whose
 * lock lapsed (its worker was killed or lost the network) goes back to the queue at the next
 * stalled check, at most `maxStalledCount` times. Batches are idempotent, so a re-run is safe.
 */
export const DEFAULT_LOCK_DURATION_MS = 20_000;
export const DEFAULT_STALLED_INTERVAL_MS = 10_000;
export const MAX_STALLED_COUNT = 2;
