import type { SyncOptions, SyncResult, Location } from "@ferry/sdk";
import { usageError } from "../errors.js";
import { bisyncSettings } from "../flags/bisync.js";
import { compareSettings } from "../flags/compare.js";
import type { FlagValues } from "../flags/flag-values.js";
import { filterSettings } from "../flags/filters.js";
import { safetySettings } from "../flags/safety.js";
import { attributeSettings, transferSettings } from "../flags/transfer.js";
import { assertLocalPairDisjoint } from "../locations/local-pair.js";
import { runSession } from "../run-session.js";
import { optionalExport } from "../sdk.js";
import { ExitCode } from "../exit-codes.js";
import { locationArgs, outputSetup, prepareLocations, runContext, locationSettings, type CommandEnv } from "./setup.js";

const ONE_WAY_ONLY_FLAGS = ["backup-dir", "suffix", "limit", "update", "ignore-existing", "existing", "force-update"];

type BisyncFn = (a: Location, b: Location, options: SyncOptions & Record<string, unknown>) => Promise<SyncResult>;

/** Flags → bisync options (pure). Deletes propagate both ways, so the delete guards apply. */
export function bisyncOptionsFromFlags(flags: FlagValues): SyncOptions & Record<string, unknown> {
  // One-way-only settings: bisync decides deletions and ordering from its saved state.
  for (const name of ONE_WAY_ONLY_FLAGS) {
    if (flags.has(name)) throw usageError(`${flags.given(name)} is not supported by bisync (it only makes sense one way)`, "use ferry sync for it");
  }
  const options: SyncOptions & Record<string, unknown> = {
    ...filterSettings(flags),
    ...compareSettings(flags),
    ...transferSettings(flags),
    ...safetySettings(flags, true),
    ...bisyncSettings(flags),
    collectKeys: false,
  };
  const attributes = attributeSettings(flags);
  if (attributes) options.attributes = attributes;
  if (flags.bool("dry-run")) options.dryRun = true;
  return options;
}

/** `ferry bisync A B` */
export async function runBisync(aArg: string, bArg: string, flags: FlagValues, env: CommandEnv): Promise<number> {
  const { output, mode } = outputSetup(flags, env);
  const built = bisyncOptionsFromFlags(flags);
  const [a, b] = locationArgs([aArg, bArg], env);
  assertLocalPairDisjoint(a!, b!);
  const prepared = await prepareLocations([a!, b!], flags, env);
  const bisync = optionalExport<BisyncFn>(prepared.sdk, "bisync");
  if (!bisync) throw usageError("ferry bisync is not available yet in this version of @ferry/sdk", "use `ferry sync` for one-way runs until two-way sync lands");
  const ctx = runContext("bisync", a!, b!, built.dryRun === true, output, env);
  return runSession({ ctx, io: env.io, mode }, async (hooks) => {
    const result = await bisync(prepared.locations[0]!, prepared.locations[1]!, {
      ...built,
      ...locationSettings(prepared, env),
      onEvent: hooks.onEvent,
      signal: hooks.signal,
      ...(hooks.confirm ? { confirm: hooks.confirm } : {}),
    });
    return { summary: result.stats, ...(result.stats.outcome === "aborted" ? { exitCode: ExitCode.Interrupted } : {}) };
  });
}
