import { FerryError } from "./errors.js";

/**
 * Parsers for the size, bandwidth, duration, age and count values flags take. Each throws a
 * FerryError("Usage") naming the bad value and the forms that are accepted. The optional
 * `flag` argument ("--min-size") only makes the message name where the value came from.
 */

// Binary multipliers like rclone: 1K = 1024 bytes, whatever the spelling (K, KB, KiB).
const SIZE_MULTIPLIERS: Readonly<Record<string, number>> = {
  "": 1,
  b: 1,
  k: 2 ** 10,
  m: 2 ** 20,
  g: 2 ** 30,
  t: 2 ** 40,
  p: 2 ** 50,
};
const SIZE_PATTERN = /^(\d+(?:\.\d*)?|\.\d+)\s*(?:([kmgtp])(?:ib|i|b)?|(b))?$/i;
const SIZE_FORMS = "use a number with an optional unit B, K, M, G, T, P (e.g. 10M, 1.5G; 1K = 1024 bytes)";

function sizeOf(value: string): number | undefined {
  const m = SIZE_PATTERN.exec(value.trim());
  if (!m) return undefined;
  const unit = (m[2] ?? m[3] ?? "").toLowerCase();
  const bytes = Math.round(Number(m[1]) * SIZE_MULTIPLIERS[unit]!);
  return Number.isSafeInteger(bytes) ? bytes : undefined;
}

function named(kind: string, value: string, flag: string | undefined): string {
  return `invalid ${kind} ${JSON.stringify(value)}${flag ? ` for ${flag}` : ""}`;
}

/** "10M" → 10485760. A plain number is bytes; fractions are allowed ("1.5G"). */
export function parseSize(value: string, flag?: string): number {
  const bytes = sizeOf(value);
  if (bytes === undefined) throw new FerryError("Usage", `${named("size", value, flag)}: ${SIZE_FORMS}`);
  return bytes;
}

/**
 * Bytes per second: a size with an optional "/s" ("10M", "50MB/s"). "off" and "0" mean no
 * limit and return undefined.
 */
export function parseBwLimit(value: string, flag?: string): number | undefined {
  const v = value.trim();
  if (/^off$/i.test(v)) return undefined;
  const bytes = sizeOf(v.replace(/\/s$/i, ""));
  if (bytes === undefined) {
    throw new FerryError("Usage", `${named("bandwidth limit", value, flag)}: use bytes per second as a number with an optional unit B, K, M, G (e.g. 10M or 512K), or "off"`);
  }
  return bytes === 0 ? undefined : bytes;
}

// "M" is a month and "m" a minute (rclone's spelling); other units accept either case.
const DURATION_UNITS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
  M: 30 * 86_400_000,
  y: 365 * 86_400_000,
};
const DURATION_PART = /(\d+(?:\.\d*)?|\.\d+)(ms|[smhdwMySHDWY])/y;
const DURATION_FORMS = "use a number with a unit ms, s, m, h, d, w, M (30 days) or y (365 days), e.g. 30d, 2h, 90s, 1h30m";

function durationOf(value: string): number | undefined {
  const v = value.trim();
  if (/^\d+(?:\.\d*)?$/.test(v)) return Math.round(Number(v) * 1000); // plain number: seconds, like rclone
  if (v === "") return undefined;
  let total = 0;
  DURATION_PART.lastIndex = 0;
  while (DURATION_PART.lastIndex < v.length) {
    const m = DURATION_PART.exec(v);
    if (!m) return undefined;
    const unit = m[2]!;
    const ms = DURATION_UNITS[unit] ?? DURATION_UNITS[unit.toLowerCase()]!;
    total += Number(m[1]) * ms;
  }
  return Number.isFinite(total) ? Math.round(total) : undefined;
}

/** "30d", "2h", "90s", "1w", "500ms", "1h30m" → milliseconds. A plain number is seconds. */
export function parseDuration(value: string, flag?: string): number {
  const ms = durationOf(value);
  if (ms === undefined) throw new FerryError("Usage", `${named("duration", value, flag)}: ${DURATION_FORMS}`);
  return ms;
}

const DATE_PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/**
 * An ISO date or date-time → ms epoch. Without a zone it is local time (as rclone and `date`
 * read it; note that JavaScript's Date.parse would read a bare date as UTC).
 */
function dateOf(value: string): number | undefined {
  const m = DATE_PATTERN.exec(value.trim());
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6]].map((s) => Number(s ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const millis = m[7] ? Math.floor(Number(`0.${m[7]}`) * 1000) : 0;
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return undefined;
  // Date.UTC rolls 2024-02-30 over to March; a day that does not survive the round trip is invalid
  if (new Date(Date.UTC(year, month - 1, day)).getUTCDate() !== day) return undefined;
  const zone = m[8];
  if (zone === undefined) return new Date(year, month - 1, day, hour, minute, second, millis).getTime();
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, millis);
  if (zone.toUpperCase() === "Z") return utc;
  const z = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone)!;
  const offset = (Number(z[2]) * 60 + Number(z[3] ?? 0)) * 60_000;
  return z[1] === "+" ? utc - offset : utc + offset;
}

/**
 * --min-age/--max-age values: a duration ("30d"), or an ISO date/date-time whose age is
 * `now - date` (negative for a date in the future, which then selects nothing or everything,
 * as the flag implies).
 */
export function parseAge(value: string, now: number, flag?: string): number {
  const ms = durationOf(value);
  if (ms !== undefined) return ms;
  const date = dateOf(value);
  if (date !== undefined) return now - date;
  throw new FerryError(
    "Usage",
    `${named("age", value, flag)}: use a duration (e.g. 30d, 2h, 1h30m) or a date or date-time (e.g. 2024-05-01, 2024-05-01T12:00:00Z)`,
  );
}

export type PercentOrCount = { kind: "percent"; value: number } | { kind: "count"; value: number };

/** "50%" → a percentage (0–100, fractions allowed); "100" → a whole count. */
export function parsePercentOrCount(value: string, flag?: string): PercentOrCount {
  const v = value.trim();
  const percent = /^(\d+(?:\.\d*)?|\.\d+)\s*%$/.exec(v);
  if (percent) {
    const n = Number(percent[1]);
    if (n <= 100) return { kind: "percent", value: n };
  } else if (/^\d+$/.test(v)) {
    const n = Number(v);
    if (Number.isSafeInteger(n)) return { kind: "count", value: n };
  }
  throw new FerryError("Usage", `${named("value", value, flag)}: use a whole count (e.g. 100) or a percentage up to 100% (e.g. 50%)`);
}
