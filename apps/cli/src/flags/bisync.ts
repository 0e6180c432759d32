import type { FlagValues } from "./flag-values.js";
import { CONFLICT_POLICIES, INITIAL_POLICIES } from "./spec.js";
import { choiceValue } from "./value-parsers.js";

export interface BisyncSettings {
  conflict?: (typeof CONFLICT_POLICIES)[number];
  initial?: (typeof INITIAL_POLICIES)[number];
  resync?: boolean;
  stateDir?: string;
}

export function bisyncSettings(flags: FlagValues): BisyncSettings {
  const out: BisyncSettings = {};
  const conflict = flags.str("conflict");
  if (conflict !== undefined) out.conflict = choiceValue(conflict, flags.given("conflict"), CONFLICT_POLICIES);
  const initial = flags.str("initial");
  if (initial !== undefined) out.initial = choiceValue(initial, flags.given("initial"), INITIAL_POLICIES);
  if (flags.bool("resync")) out.resync = true;
  const stateDir = flags.str("state-dir");
  if (stateDir !== undefined) out.stateDir = stateDir;
  return out;
}
