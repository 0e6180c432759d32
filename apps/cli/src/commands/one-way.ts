import type { SyncOptions, SyncResult } from "@ferry/sdk";
import type { FlagValues } from "../flags/flag-values.js";
import { assertLocalPairDisjoint, assertLocalSourceExists } from "../locations/local-pair.js";
import { parseLocationArg } from "../locations/location-arg.js";
import { runSession, type RunHooks } from "../run-session.js";
import { locationArgs, locationSettings, outputSetup, prepareLocations, runContext, type CommandEnv, type PreparedLocations } from "./setup.js";
import { syncOptionsFromFlags, type OneWayCommand, type SyncFlagsResult } from "./sync-options.js";

/** Everything sync/copy/move/plan share up to the SDK call. */
export async function prepareOneWay(command: OneWayCommand, srcArg: string, dstArg: string, flags: FlagValues, env: CommandEnv) {
  const { output, mode } = outputSetup(flags, env);
  const built = syncOptionsFromFlags(command, flags);
  const [src, dst] = locationArgs([srcArg, dstArg], env) as [ReturnType<typeof parseLocationArg>, ReturnType<typeof parseLocationArg>];
  assertLocalPairDisjoint(src, dst);
  assertLocalSourceExists(src);
  const backupArg = typeof built.options.backupDir === "string" ? built.options.backupDir : undefined;
  const extra = backupArg !== undefined ? locationArgs([backupArg], env) : [];
  if (extra[0]) assertLocalPairDisjoint(src, extra[0]);
  const prepared = await prepareLocations([src, dst, ...extra], flags, env);
  if (extra[0]) built.options.backupDir = prepared.locations[2]!;
  const ctx = runContext(command, src, dst, built.dryRun, output, env);
  return { ctx, mode, built, prepared };
}

export function sdkOptions(built: SyncFlagsResult, prepared: PreparedLocations, env: CommandEnv, hooks: RunHooks): SyncOptions {
  return {
    ...built.options,
    ...locationSettings(prepared, env),
    onEvent: hooks.onEvent,
    signal: hooks.signal,
    // The SDK pauses between planning and executing to ask (SyncOptions.confirm).
    ...(hooks.confirm ? { confirm: hooks.confirm } : {}),
  } as SyncOptions;
}

/** `ferry sync|copy|move SRC DST` */
export async function runOneWay(command: "sync" | "copy" | "move", srcArg: string, dstArg: string, flags: FlagValues, env: CommandEnv): Promise<number> {
  const { ctx, mode, built, prepared } = await prepareOneWay(command, srcArg, dstArg, flags, env);
  const [src, dst] = prepared.locations as [NonNullable<(typeof prepared.locations)[0]>, NonNullable<(typeof prepared.locations)[1]>];
  return runSession({ ctx, io: env.io, mode }, async (hooks) => {
    const fn = command === "copy" ? prepared.sdk.copy : command === "move" ? prepared.sdk.move : prepared.sdk.sync;
    const result: SyncResult = await fn(src, dst, sdkOptions(built, prepared, env, hooks));
    return { summary: result.stats };
  });
}
