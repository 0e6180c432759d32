import type { CompareName, CompareSettings } from "@ferry/sdk";
import { usageError } from "../errors.js";
import type { FlagValues } from "./flag-values.js";
import { COMPARE_NAMES } from "./spec.js";
import { choiceValue, durationValue } from "./value-parsers.js";

/** Change-detection flags → CompareSettings, refusing combinations that contradict each other. */
export function compareSettings(flags: FlagValues): CompareSettings {
  const out: CompareSettings = {};
  const picks: Array<{ by: string; value: CompareName }> = [];
  const compare = flags.str("compare");
  if (compare !== undefined) picks.push({ by: `${flags.given("compare")} ${compare}`, value: choiceValue(compare, flags.given("compare"), COMPARE_NAMES) });
  if (flags.bool("size-only")) picks.push({ by: flags.given("size-only"), value: "size" });
  if (flags.bool("checksum")) picks.push({ by: flags.given("checksum"), value: "checksum" });
  const first = picks[0];
  if (first) {
    const other = picks.find((p) => p.value !== first.value);
    if (other) throw usageError(`${first.by} and ${other.by} pick different comparisons; give one`);
    out.compare = first.value;
  }

  const conflicts: Array<[string, string, string]> = [
    ["update", "force-update", "one skips newer destination keys, the other always transfers"],
    ["ignore-existing", "force-update", "one never touches existing keys, the other always transfers"],
    ["ignore-existing", "existing", "together they transfer nothing"],
  ];
  for (const [a, b, why] of conflicts) {
    if (flags.bool(a) && flags.bool(b)) throw usageError(`${flags.given(a)} conflicts with ${flags.given(b)}: ${why}`);
  }
  if (flags.bool("update")) out.update = true;
  if (flags.bool("ignore-existing")) out.ignoreExisting = true;
  if (flags.bool("existing")) out.existing = true;
  if (flags.bool("force-update")) out.forceUpdate = true;
  if (flags.bool("exact-timestamps")) out.exactTimestamps = true;
  const window = flags.str("modify-window");
  if (window !== undefined) out.modifyWindow = durationValue(window, flags.given("modify-window"));
  return out;
}
