import { setMaxListeners } from "node:events";
import type { RemoteConfig } from "@ferry/sdk";
import { loadConfig } from "../config/load.js";
import { resolveRemoteSecrets } from "../config/remotes.js";
import { usageError } from "../errors.js";
import { ExitCode } from "../exit-codes.js";
import { adapterOptions } from "../flags/adapter-options.js";
import { clusterSettings } from "../flags/cluster.js";
import { integerValue } from "../flags/value-parsers.js";
import type { FlagValues } from "../flags/flag-values.js";
import { outputSettings } from "../flags/output.js";
import { transferSettings } from "../flags/transfer.js";
import { LineWriter } from "../ui/renderer.js";
import { workerEventLine } from "../ui/worker-lines.js";
import type { CommandEnv } from "./setup.js";

type RunWorker = (options: Record<string, unknown>) => Promise<unknown>;

/**
 * The worker's own named remotes: every remote whose `$ENV` references this machine can
 * resolve (a job naming one of the others fails on this worker with a clear error).
 */
async function workerRemotes(flags: FlagValues, env: CommandEnv, lines: LineWriter, quiet: boolean): Promise<Record<string, RemoteConfig> | undefined> {
  const loaded = await loadConfig(flags.str("config"), env.io.env);
  const out: Record<string, RemoteConfig> = {};
  for (const [name, remote] of Object.entries(loaded.config.remotes)) {
    try {
      out[name] = resolveRemoteSecrets(name, remote, env.io.env, env.scrubber);
    } catch (e) {
      if (!quiet) lines.err(`warning: ${(e as Error).message}; jobs using "${name}" will fail on this worker`);
    }
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** `ferry worker --queue redis://…` — hands the queue to @ferry/cluster, which is optional. */
export async function runWorker(flags: FlagValues, env: CommandEnv): Promise<number> {
  const output = outputSettings(flags);
  const { queue } = clusterSettings(flags);
  if (!queue) throw usageError("ferry worker needs --queue", "e.g. ferry worker --queue redis://host:6379");
  const transfer = transferSettings(flags);
  const lines = new LineWriter(env.io, env.scrubber);
  const remotes = await workerRemotes(flags, env, lines, output.verbosity === "quiet");
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
  const start = cluster.runWorker as RunWorker | undefined;
  if (typeof start !== "function") throw usageError("ferry worker is not available yet in this version of @ferry/cluster", "update @ferry/cluster");
  const controller = new AbortController();
  // every transfer in flight (--transfers, default 16) listens on this one signal; without this
  // Node warns "MaxListenersExceededWarning" on stderr at the 11th
  setMaxListeners(0, controller.signal);
  let interrupted = false;
  const stop = () => {
    if (interrupted) process.exit(ExitCode.Interrupted);
    interrupted = true;
    controller.abort(new Error("interrupted"));
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  try {
    await start({
      queue,
      signal: controller.signal,
      env: env.io.env,
      adapterOptions: adapterOptions(flags, env.scrubber),
      ...(remotes ? { remotes } : {}),
      ...(flags.has("concurrency") ? { concurrency: integerValue(flags.str("concurrency")!, flags.given("concurrency"), 1) } : {}),
      ...(transfer.transfers !== undefined ? { transfers: transfer.transfers } : {}),
      ...(transfer.bwlimit !== undefined ? { bwlimit: transfer.bwlimit } : {}),
      ...(transfer.tpslimit !== undefined ? { tpslimit: transfer.tpslimit } : {}),
      onEvent: (event: Record<string, unknown> & { type: string }) => {
        if (output.json) {
          if (output.verbosity !== "quiet" || event.type === "batch-failed") lines.out(JSON.stringify(event));
          return;
        }
        if (output.verbosity === "quiet" && event.type !== "batch-failed") return;
        const line = workerEventLine(event, output.verbosity === "verbose");
        if (line) lines.err(line);
      },
    });
  } finally {
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
  }
  return interrupted ? ExitCode.Interrupted : ExitCode.Success;
}
