import { usageError } from "../errors.js";
import type { FlagValues } from "./flag-values.js";

export type Verbosity = "quiet" | "errors" | "normal" | "verbose";

export interface OutputSettings {
  json: boolean;
  verbosity: Verbosity;
  progress: boolean;
  yes: boolean;
  debug: boolean;
}

/** Output flags, refusing pairs that ask for opposite things. */
export function outputSettings(flags: FlagValues): OutputSettings {
  const pairs: Array<[string, string]> = [
    ["quiet", "verbose"],
    ["only-show-errors", "verbose"],
  ];
  for (const [a, b] of pairs) {
    if (flags.bool(a) && flags.bool(b)) throw usageError(`${flags.given(a)} conflicts with ${flags.given(b)}: pick one`);
  }
  const verbosity: Verbosity = flags.bool("quiet") ? "quiet" : flags.bool("only-show-errors") ? "errors" : flags.bool("verbose") ? "verbose" : "normal";
  return {
    json: flags.bool("json"),
    verbosity,
    progress: !flags.bool("no-progress"),
    yes: flags.bool("yes"),
    debug: flags.bool("debug"),
  };
}
