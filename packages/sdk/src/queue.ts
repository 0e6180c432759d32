import { FerryError, type TransferRunner } from "@ferry/core";
import type { SyncOptions } from "./options.js";
import type { PreparedRun } from "./prepare.js";

/** What @ferry/cluster exports for the SDK (kept structural so the SDK does not depend on it). */
export interface QueueRunnerFactory {
  createQueueRunner(input: { queue: string; run: PreparedRun; options: SyncOptions }): Promise<{ runner: TransferRunner; close(): Promise<void> }>;
}

/**
 * `queue`: the transfers run on `ferry worker`s through @ferry/cluster instead of in this
 * process. The package is loaded only when asked for.
 */
export async function transferRunnerFor(
  options: SyncOptions,
  run: PreparedRun,
): Promise<{ runner: TransferRunner; close(): Promise<void> } | undefined> {
  if (!options.queue) return undefined;
  let mod: Partial<QueueRunnerFactory>;
  try {
    mod = (await import("@ferry/cluster" as string)) as Partial<QueueRunnerFactory>;
  } catch (e) {
    if ((e as { code?: string }).code === "ERR_MODULE_NOT_FOUND")
      throw new FerryError("Usage", "--queue needs the cluster package", { hint: "install it: npm install @ferry/cluster" });
    throw e;
  }
  if (!mod.createQueueRunner) throw new FerryError("Unsupported", "this @ferry/cluster cannot coordinate runs");
  return mod.createQueueRunner({ queue: options.queue, run, options });
}
