import { FerryError, isAbortError, isRetryable, toFerryError } from "../errors.js";

export interface RetryPolicy {
  /** retries after the first attempt (SPEC default 5) */
  retries: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { retries: 5, baseDelayMs: 200, maxDelayMs: 20_000 };

/**
 * Runs `op` until it succeeds, fails with a non-retryable error, or runs out of retries.
 * Exponential backoff with full jitter, so many workers that failed together do not retry
 * together.
 */
export async function withRetries<T>(
  op: (attempt: number) => Promise<T>,
  policy: RetryPolicy,
  signal?: AbortSignal,
  onRetry?: (error: FerryError, attempt: number, delayMs: number) => void,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    if (signal?.aborted) throw new FerryError("Aborted", "the operation was aborted");
    try {
      return await op(attempt);
    } catch (e) {
      if (signal?.aborted || isAbortError(e)) throw toFerryError(e);
      if (!isRetryable(e) || attempt >= policy.retries) throw e;
      const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
      const delay = Math.random() * cap;
      onRetry?.(toFerryError(e), attempt + 1, delay);
      await sleep(delay, signal);
    }
  }
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new FerryError("Aborted", "the operation was aborted"));
    const t = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(new FerryError("Aborted", "the operation was aborted"));
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
