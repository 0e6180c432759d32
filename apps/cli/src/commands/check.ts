import type { CheckOptions } from "@ferry/sdk";
import { compareSettings } from "../flags/compare.js";
import type { FlagValues } from "../flags/flag-values.js";
import { filterSettings } from "../flags/filters.js";
import { transferSettings } from "../flags/transfer.js";
import { assertLocalSourceExists } from "../locations/local-pair.js";
import { displayKey } from "../locations/location-arg.js";
import { runSession } from "../run-session.js";
import { ExitCode } from "../exit-codes.js";
import { locationArgs, outputSetup, prepareLocations, runContext, locationSettings, type CommandEnv } from "./setup.js";

/** Flags → CheckOptions (pure). */
export function checkOptionsFromFlags(flags: FlagValues): CheckOptions {
  const options: CheckOptions = { ...filterSettings(flags), ...compareSettings(flags), ...transferSettings(flags), collectKeys: false };
  if (flags.bool("check-all")) options.checkAll = true;
  return options;
}

/** `ferry check SRC DST` — exit 0 when identical, 1 when anything differs. */
export async function runCheck(srcArg: string, dstArg: string, flags: FlagValues, env: CommandEnv): Promise<number> {
  const { output, mode } = outputSetup(flags, env);
  const built = checkOptionsFromFlags(flags);
  const [src, dst] = locationArgs([srcArg, dstArg], env) as [ReturnType<typeof locationArgs>[0], ReturnType<typeof locationArgs>[0]];
  assertLocalSourceExists(src!);
  const prepared = await prepareLocations([src!, dst!], flags, env);
  const ctx = runContext("check", src!, dst!, false, output, env);
  return runSession({ ctx, io: env.io, mode }, async (hooks) => {
    const result = await prepared.sdk.check(prepared.locations[0]!, prepared.locations[1]!, {
      ...built,
      ...locationSettings(prepared, env),
      onEvent: hooks.onEvent,
      signal: hooks.signal,
    });
    const results = result.differences.map((d) => {
      const where =
        d.kind === "missing-on-dst" ? `only in src: ${displayKey(src!, d.key)}` : d.kind === "missing-on-src" ? `only in dst: ${displayKey(dst!, d.key)}` : `differ: ${displayKey(src!, d.key)} and ${displayKey(dst!, d.key)}${d.reason ? ` (${d.reason})` : ""}`;
      return { line: where, json: { type: "difference", key: d.key, kind: d.kind, ...(d.reason ? { reason: d.reason } : {}) } };
    });
    const failed = (result.errors?.length ?? 0) > 0 || result.stats.failed > 0;
    const notes = [result.identical && !failed ? "check: identical" : `check: ${result.differences.length} difference${result.differences.length === 1 ? "" : "s"}${failed ? ", some keys could not be compared" : ""}`];
    const exitCode = result.stats.outcome === "aborted" ? ExitCode.Interrupted : result.identical && !failed ? ExitCode.Success : ExitCode.Failures;
    return { summary: result.stats, results, notes, exitCode };
  });
}
