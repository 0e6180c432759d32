import {
  type DeleteLimit,
  FerryError,
  type FilterOptions,
  type FilterRule,
  type KeyFilter,
  compileFilter,
  parseAge,
  parsePercentOrCount,
  parseSize,
} from "@ferry/core";
import type { FilterSettings } from "./options.js";

/** Validation of SDK option values: every bad value is a FerryError("Usage") naming it. */

export function positiveInt(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1)
    throw new FerryError("Usage", `${name} must be a whole number of at least 1 (got ${JSON.stringify(value)})`);
  return value;
}

export function nonNegativeInt(name: string, value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || value < 0)
    throw new FerryError("Usage", `${name} must be a whole number of at least 0 (got ${JSON.stringify(value)})`);
  return value;
}

export function size(name: string, value: number | string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === "number") {
    if (!Number.isFinite(value) || value < 0) throw new FerryError("Usage", `${name} must be a size of at least 0 (got ${value})`);
    return value;
  }
  try {
    return parseSize(value);
  } catch (e) {
    throw new FerryError("Usage", `${name}: ${(e as Error).message}`);
  }
}

export function age(name: string, value: number | string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === "number") return value;
  try {
    return parseAge(value, now);
  } catch (e) {
    throw new FerryError("Usage", `${name}: ${(e as Error).message}`);
  }
}

export function maxDelete(value: number | string | undefined): DeleteLimit | undefined {
  if (value === undefined) return undefined;
  if (typeof value === "number") {
    if (!Number.isInteger(value) || value < 0) throw new FerryError("Usage", `maxDelete must be a count ≥ 0 or a percentage like "50%" (got ${value})`);
    return { kind: "count", value };
  }
  try {
    return parsePercentOrCount(value);
  } catch (e) {
    throw new FerryError("Usage", `--max-delete: ${(e as Error).message}`);
  }
}

/** The ordered rule list: explicit `filters`, else includes then excludes. */
export function filterRules(f: FilterSettings): FilterRule[] {
  if (f.filters) return f.filters;
  return [
    ...(f.include ?? []).map((pattern, i): FilterRule => ({ action: "include", pattern, origin: `include #${i + 1}` })),
    ...(f.exclude ?? []).map((pattern, i): FilterRule => ({ action: "exclude", pattern, origin: `exclude #${i + 1}` })),
  ];
}

export function buildFilter(f: FilterSettings, now = Date.now()): KeyFilter {
  const options: FilterOptions = {
    rules: filterRules(f),
    now,
    ...(f.filterStyle ? { style: f.filterStyle } : {}),
    ...(f.ignoreCase ? { ignoreCase: true } : {}),
    ...(f.filesFrom ? { filesFrom: f.filesFrom } : {}),
    ...(f.start !== undefined ? { start: f.start } : {}),
    ...(f.end !== undefined ? { end: f.end } : {}),
  };
  const minSize = size("minSize", f.minSize);
  const maxSize = size("maxSize", f.maxSize);
  const minAge = age("minAge", f.minAge, now);
  const maxAge = age("maxAge", f.maxAge, now);
  if (minSize !== undefined) options.minSize = minSize;
  if (maxSize !== undefined) options.maxSize = maxSize;
  if (minAge !== undefined) options.minAge = minAge;
  if (maxAge !== undefined) options.maxAge = maxAge;
  if (minSize !== undefined && maxSize !== undefined && minSize > maxSize)
    throw new FerryError("Usage", `--min-size (${minSize}) is larger than --max-size (${maxSize})`);
  return compileFilter(options);
}
