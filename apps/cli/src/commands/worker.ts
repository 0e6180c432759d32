import { usageError } from "../errors.js";
import { clusterSettings } from "../flags/cluster.js";
import type { FlagValues } from "../flags/flag-values.js";
import { outputSettings } from "../flags/output.js";
import { ExitCode } from "../exit-codes.js";
import { LineWriter } from "../ui/renderer.js";
import type { CommandEnv } from "./setup.js";

type RunWorker = (options: Record<string, unknown>) => Promise<unknown>;

/** `ferry worker --queue redis://…` — hands the queue to @ferry/cluster, which is optional. */
export async function runWorker(flags: FlagValues, env: CommandEnv): Promise<number> {
  const output = outputSettings(flags);
  const { queue } = clusterSettings(flags);
  if (!queue) throw usageError("ferry worker needs --queue", "e.g. ferry worker --queue redis://host:6379");
  let cluster: Record<string, unknown>;
  try {
    // Optional at install time: resolved only when a worker is started.
    const pkg = "@ferry/cluster";
    cluster = (await import(pkg)) as Record<string, unknown>;
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") {
      throw usageError("ferry worker needs the @ferry/cluster package, which is not installed", "install it: npm install -g @ferry/cluster");
    }
    throw e;
  }
  const start = (cluster.runWorker ?? cluster.startWorker) as RunWorker | undefined;
  if (typeof start !== "function") throw usageError("ferry worker is not available yet in this version of @ferry/cluster", "update @ferry/cluster");
  const controller = new AbortController();
  let interrupted = false;
  const stop = () => {
    if (interrupted) process.exit(ExitCode.Interrupted);
    interrupted = true;
    controller.abort(new Error("interrupted"));
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  const lines = new LineWriter(env.io, env.scrubber);
  if (!output.json && output.verbosity !== "quiet") lines.err(`ferry worker: waiting for jobs on ${env.scrubber.scrub(queue)} (Ctrl-C to stop)`);
  try {
    await start({ queue, signal: controller.signal, env: env.io.env });
  } finally {
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
  }
  return interrupted ? ExitCode.Interrupted : ExitCode.Success;
}
