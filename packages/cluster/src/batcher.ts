import { FerryError, type TransferAction, parseSize } from "@ferry/core";

export const DEFAULT_BATCH_KEYS = 100;
export const DEFAULT_BATCH_BYTES = 64 * 1024 * 1024;

export interface BatchLimits {
  /** most actions in one batch */
  maxKeys: number;
  /** most source bytes in one batch; a single bigger object goes alone */
  maxBytes: number;
}

/** `batchKeys` / `batchBytes` (a number or "64M") as limits, defaults filled in. */
export function batchLimits(options: { batchKeys?: number; batchBytes?: number | string }): BatchLimits {
  const keys = options.batchKeys ?? DEFAULT_BATCH_KEYS;
  if (!Number.isInteger(keys) || keys < 1) throw new FerryError("Usage", `batchKeys must be a whole number of at least 1 (got ${JSON.stringify(keys)})`);
  const raw = options.batchBytes ?? DEFAULT_BATCH_BYTES;
  const bytes = typeof raw === "number" ? raw : parseSize(raw, "--batch-bytes");
  if (!Number.isFinite(bytes) || bytes < 1) throw new FerryError("Usage", `batchBytes must be a size of at least 1 byte (got ${JSON.stringify(raw)})`);
  return { maxKeys: keys, maxBytes: bytes };
}

/**
 * Groups the transfer stream into batches, pulling lazily: a batch is handed out as soon as it
 * is full, so the caller decides how many exist at once (memory does not grow with the plan).
 * The byte bound keeps one huge object from sharing a batch — and a worker's pool — with
 * thousands of small ones it would hold back.
 */
export async function* batchTransfers(transfers: AsyncIterable<TransferAction>, limits: BatchLimits): AsyncGenerator<TransferAction[]> {
  let batch: TransferAction[] = [];
  let bytes = 0;
  for await (const action of transfers) {
    const size = Math.max(0, action.source.size);
    if (batch.length > 0 && bytes + size > limits.maxBytes) {
      yield batch;
      batch = [];
      bytes = 0;
    }
    batch.push(action);
    bytes += size;
    if (batch.length >= limits.maxKeys || bytes >= limits.maxBytes) {
      yield batch;
      batch = [];
      bytes = 0;
    }
  }
  if (batch.length > 0) yield batch;
}
