import { FerryError, type TransferRunner } from "@ferry/core";
import type { SyncOptions } from "./options.js";
import type { PreparedRun } from "./prepare.js";

/**
 * `queue`: the transfers run on `ferry worker`s through @ferry/cluster instead of in this
 * process. The package is loaded only when asked for.
 */
export async function transferRunnerFor(
  options: SyncOptions,
  run: PreparedRun,
): Promise<{ runner: TransferRunner; close(): Promise<void> } | undefined> {
  if (!options.queue) return undefined;
  let mod: { createQueueRunner?: (o: { queue: string; run: PreparedRun; options: SyncOptions }) => Promise<{ runner: TransferRunner; close(): Promise<void> }> };
  try {
    mod = (await import("@ferry/cluster" as string)) as typeof mod;
  } catch {
    throw new FerryError("Usage", "--queue needs the cluster package", { hint: "install it: npm install @ferry/cluster" });
  }
  if (!mod.createQueueRunner) throw new FerryError("Unsupported", "this @ferry/cluster cannot coordinate runs");
  return mod.createQueueRunner({ queue: options.queue, run, options });
}
