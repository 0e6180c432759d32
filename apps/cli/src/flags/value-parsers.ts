import { isFerryError, parseAge, parseBwLimit, parseDuration, parsePercentOrCount, parseSize } from "@ferry/core";
import { usageError } from "../errors.js";

/**
 * Flag value parsers. Units are the core's (one grammar for CLI, SDK and config) and its
 * messages already name the flag and the accepted forms; anything else it throws becomes a
 * usage error too, so a bad value can never surface as a crash.
 */
function asUsage<T>(flag: string, value: string, parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    if (isFerryError(e)) throw e;
    throw usageError(`invalid value ${JSON.stringify(value)} for ${flag}: ${(e as Error).message}`);
  }
}

export function sizeValue(value: string, flag: string): number {
  return asUsage(flag, value, () => parseSize(value, flag));
}

/** Bytes per second, or undefined for "off"/"0" (no limit). */
export function bwLimitValue(value: string, flag: string): number | undefined {
  return asUsage(flag, value, () => parseBwLimit(value, flag));
}

export function durationValue(value: string, flag: string): number {
  return asUsage(flag, value, () => parseDuration(value, flag));
}

/** An age (`30d`, `2h`) or an ISO date, as ms before `now`. */
export function ageValue(value: string, flag: string, now: number = Date.now()): number {
  return asUsage(flag, value, () => parseAge(value, now, flag));
}

/** `N` or `N%` in the form the SDK accepts (a count, or the "N%" string). */
export function percentOrCountValue(value: string, flag: string): number | string {
  const parsed = asUsage(flag, value, () => parsePercentOrCount(value, flag));
  return parsed.kind === "count" ? parsed.value : `${parsed.value}%`;
}

export function integerValue(value: string, flag: string, min = 0): number {
  const trimmed = value.trim();
  const n = Number(trimmed);
  if (!/^-?\d+$/.test(trimmed) || !Number.isSafeInteger(n) || n < min) {
    throw usageError(`invalid value ${JSON.stringify(value)} for ${flag}: expected a whole number${min > 0 ? ` of at least ${min}` : " (0 or more)"}`);
  }
  return n;
}

export function choiceValue<T extends string>(value: string, flag: string, choices: readonly T[]): T {
  if ((choices as readonly string[]).includes(value)) return value as T;
  throw usageError(`invalid value ${JSON.stringify(value)} for ${flag}: use one of: ${choices.join(", ")}`);
}

/** `--metadata k=v` pairs into a record; a key may not repeat. */
export function metadataValue(pairs: readonly string[], flag: string): Record<string, string> | undefined {
  if (pairs.length === 0) return undefined;
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf("=");
    const key = eq > 0 ? pair.slice(0, eq).trim() : "";
    if (!key) throw usageError(`invalid value ${JSON.stringify(pair)} for ${flag}: expected key=value`, `e.g. ${flag} owner=web`);
    if (key in out) throw usageError(`${flag}: key "${key}" given twice`);
    out[key] = pair.slice(eq + 1);
  }
  return out;
}
