import { parseAge, parseDuration, parsePercentOrCount, parseSize } from "@ferry/core";
import { usageError } from "../errors.js";

/**
 * Flag value parsers. Units are the core's (one grammar for CLI, SDK and config); these
 * wrappers only turn a bad value into a usage error that names the flag and shows a good one.
 */

function reason(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export function sizeValue(value: string, flag: string): number {
  try {
    const n = parseSize(value);
    if (typeof n !== "number" || !Number.isFinite(n) || n < 0) throw new Error("not a size");
    return n;
  } catch (e) {
    throw usageError(`${flag}: invalid size "${value}" (${reason(e)})`, `give bytes with an optional unit, e.g. ${flag} 10M or ${flag} 1.5GiB`);
  }
}

export function durationValue(value: string, flag: string): number {
  try {
    const n = parseDuration(value);
    if (typeof n !== "number" || !Number.isFinite(n) || n < 0) throw new Error("not a duration");
    return n;
  } catch (e) {
    throw usageError(`${flag}: invalid duration "${value}" (${reason(e)})`, `use a number with a unit, e.g. ${flag} 2s, 500ms, 1h`);
  }
}

/** An age (`30d`, `2h`) or an ISO date; validated by the core, passed on as written. */
export function ageValue(value: string, flag: string): string {
  try {
    parseAge(value);
    return value;
  } catch (e) {
    throw usageError(`${flag}: invalid age "${value}" (${reason(e)})`, `use a duration like 30d or 2h, or an ISO date like 2024-01-31`);
  }
}

/** `N` or `N%`; validated by the core, passed on in the form the SDK accepts. */
export function percentOrCountValue(value: string, flag: string): number | string {
  try {
    parsePercentOrCount(value);
  } catch (e) {
    throw usageError(`${flag}: invalid count or percentage "${value}" (${reason(e)})`, `use a whole number or a percentage, e.g. ${flag} 100 or ${flag} 10%`);
  }
  const trimmed = value.trim();
  return /^\d+$/.test(trimmed) ? Number(trimmed) : trimmed;
}

export function integerValue(value: string, flag: string, min = 0): number {
  const trimmed = value.trim();
  const n = Number(trimmed);
  if (!/^-?\d+$/.test(trimmed) || !Number.isSafeInteger(n) || n < min) {
    throw usageError(`${flag}: expected a whole number${min > 0 ? ` of at least ${min}` : " (0 or more)"}, got "${value}"`);
  }
  return n;
}

export function positiveNumberValue(value: string, flag: string): number {
  const n = Number(value.trim());
  if (value.trim() === "" || !Number.isFinite(n) || n <= 0) throw usageError(`${flag}: expected a number greater than 0, got "${value}"`);
  return n;
}

export function choiceValue<T extends string>(value: string, flag: string, choices: readonly T[]): T {
  if ((choices as readonly string[]).includes(value)) return value as T;
  throw usageError(`${flag}: unknown value "${value}"`, `use one of: ${choices.join(", ")}`);
}

/** `--metadata k=v` pairs into a record; a key may not repeat. */
export function metadataValue(pairs: readonly string[], flag: string): Record<string, string> | undefined {
  if (pairs.length === 0) return undefined;
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf("=");
    const key = eq > 0 ? pair.slice(0, eq).trim() : "";
    if (!key) throw usageError(`${flag}: expected key=value, got "${pair}"`, `e.g. ${flag} owner=web`);
    if (key in out) throw usageError(`${flag}: key "${key}" given twice`);
    out[key] = pair.slice(eq + 1);
  }
  return out;
}
