import type { Location, RemoteConfig } from "@ferry/sdk";
import { loadConfig, type LoadedConfig } from "../config/load.js";
import { lookupRemote, resolveRemoteSecrets } from "../config/remotes.js";
import { usageError } from "../errors.js";
import { adapterOptions, assertAdapterFlagsApply } from "../flags/adapter-options.js";
import type { FlagValues } from "../flags/flag-values.js";
import { outputSettings, type OutputSettings } from "../flags/output.js";
import type { CliIo } from "../io.js";
import { parseLocationArg, type LocationArg } from "../locations/location-arg.js";
import { loadSdk, type Sdk } from "../sdk.js";
import type { SecretScrubber } from "../secrets.js";
import { decideOutputMode, type OutputMode } from "../ui/mode.js";
import type { RunContext } from "../ui/run-context.js";

/** What every command gets from the program: streams, env and the run's secret scrubber. */
export interface CommandEnv {
  io: CliIo;
  scrubber: SecretScrubber;
}

/** Location arguments parsed and checked for things that need no adapter. */
export function locationArgs(args: readonly string[], env: CommandEnv): LocationArg[] {
  return args.map((arg) => {
    if (arg.trim() === "") throw usageError("a location is empty", "give a path, a URL like s3://bucket/prefix/, or remote:path");
    env.scrubber.addFromLocation(arg);
    return parseLocationArg(arg);
  });
}

export interface PreparedLocations {
  sdk: Sdk;
  /** what to hand the SDK for each argument, in order */
  locations: Location[];
  adapterOptions: Record<string, unknown>;
  /** the named remotes these locations use, `$ENV` references resolved (SDK option `remotes`) */
  remotes: Record<string, RemoteConfig> | undefined;
  adaptersInUse: Set<string>;
}

/**
 * Loads the SDK, rejects unknown schemes by name, resolves the named remotes the locations use
 * (config file, `$ENV` secrets; fills in `adapter` on those arguments) and refuses adapter
 * flags no location uses. Opening the locations is left to the SDK.
 */
export async function prepareLocations(locs: readonly LocationArg[], flags: FlagValues, env: CommandEnv, checkAdapterFlags = true): Promise<PreparedLocations> {
  const options = adapterOptions(flags, env.scrubber);
  const sdk = await loadSdk();
  const schemes = new Map<string, string>();
  for (const a of sdk.KNOWN_ADAPTERS) for (const s of a.schemes) schemes.set(s.toLowerCase(), a.name);
  let config: LoadedConfig | undefined;
  const remotes: Record<string, RemoteConfig> = {};
  const adaptersInUse = new Set<string>();
  for (const loc of locs) {
    if (loc.form === "url") {
      const adapter = schemes.get(loc.scheme!) ?? loc.adapter;
      if (!adapter) {
        const known = [...schemes.keys()].sort().map((s) => `${s}://`).join(", ");
        throw usageError(`unknown scheme "${loc.scheme}://" in ${loc.display}`, `known schemes: ${known}; or a local path, or remote:path from the config file`);
      }
      adaptersInUse.add(adapter);
    } else if (loc.form === "remote") {
      config ??= await loadConfig(flags.str("config"), env.io.env);
      const name = loc.remote!.name;
      const remote = lookupRemote(config.config, config.path, name);
      remotes[name] = resolveRemoteSecrets(name, remote, env.io.env, env.scrubber);
      adaptersInUse.add(remote.type);
      // Named remotes learn their adapter only now (renderers need to know which side is local).
      loc.adapter = remote.type;
    } else {
      adaptersInUse.add("local");
    }
  }
  if (checkAdapterFlags) assertAdapterFlagsApply(flags, adaptersInUse);
  return { sdk, locations: locs.map((l) => l.arg), adapterOptions: options, remotes: Object.keys(remotes).length > 0 ? remotes : undefined, adaptersInUse };
}

/** The SDK's LocationSettings for a prepared run. */
export function locationSettings(prepared: PreparedLocations, env: CommandEnv): { adapterOptions: Record<string, unknown>; env: CliIo["env"]; remotes?: Record<string, RemoteConfig> } {
  return { adapterOptions: prepared.adapterOptions, env: env.io.env, ...(prepared.remotes ? { remotes: prepared.remotes } : {}) };
}

export interface OutputSetup {
  output: OutputSettings;
  mode: OutputMode;
}

export function outputSetup(flags: FlagValues, env: CommandEnv): OutputSetup {
  const output = outputSettings(flags);
  return { output, mode: decideOutputMode(env.io, output.json) };
}

export function runContext(command: string, src: LocationArg, dst: LocationArg, dryRun: boolean, output: OutputSettings, env: CommandEnv): RunContext {
  return {
    command,
    sides: {
      src: { display: src.display, local: src.adapter === "local" },
      dst: { display: dst.display, local: dst.adapter === "local" },
    },
    dryRun,
    output,
    scrubber: env.scrubber,
  };
}
