import { usageError } from "../errors.js";
import type { FlagValues } from "./flag-values.js";
import { integerValue, sizeValue } from "./value-parsers.js";

export interface ClusterSettings {
  queue?: string;
  minWorkers?: number;
  batchKeys?: number;
  batchBytes?: number;
}

export function clusterSettings(flags: FlagValues): ClusterSettings {
  const out: ClusterSettings = {};
  const queue = flags.str("queue");
  for (const name of ["min-workers", "batch-keys", "batch-bytes"]) {
    if (flags.has(name) && queue === undefined) throw usageError(`${flags.given(name)} needs --queue`, "add --queue redis://host:6379, or drop the flag");
  }
  if (queue !== undefined) {
    if (!/^rediss?:\/\//.test(queue)) throw usageError(`--queue: "${queue}" is not a Redis URL`, "use redis://host:6379 (or rediss:// for TLS)");
    out.queue = queue;
  }
  const minWorkers = flags.str("min-workers");
  if (minWorkers !== undefined) out.minWorkers = integerValue(minWorkers, flags.given("min-workers"), 1);
  const batchKeys = flags.str("batch-keys");
  if (batchKeys !== undefined) out.batchKeys = integerValue(batchKeys, flags.given("batch-keys"), 1);
  const batchBytes = flags.str("batch-bytes");
  if (batchBytes !== undefined) out.batchBytes = sizeValue(batchBytes, flags.given("batch-bytes"));
  return out;
}
