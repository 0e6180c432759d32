import { describe, expect, it } from "vitest";
import { isFerryError } from "./errors.js";
import { parseAge, parseBwLimit, parseDuration, parsePercentOrCount, parseSize } from "./units.js";

function usageError(fn: () => unknown): Error & { code: string } {
  try {
    fn();
  } catch (e) {
    expect(isFerryError(e)).toBe(true);
    expect((e as { code: string }).code).toBe("Usage");
    return e as Error & { code: string };
  }
  throw new Error("expected a usage error");
}

const K = 1024;
const M = K * K;
const G = M * K;

describe("parseSize", () => {
  it.each<[string, number]>([
    ["0", 0],
    ["100", 100],
    ["100B", 100],
    ["100b", 100],
    ["1K", K],
    ["1k", K],
    ["1KB", K],
    ["1KiB", K],
    ["1Ki", K],
    ["10M", 10 * M],
    ["10MB", 10 * M],
    ["10MiB", 10 * M],
    ["10mb", 10 * M],
    ["1.5G", 1.5 * G],
    ["2T", 2 * K * G],
    ["1P", K * K * G],
    [".5K", 512],
    ["10 M", 10 * M],
    [" 8M ", 8 * M],
    ["1.", 1],
  ])("%j → %d", (value, bytes) => {
    expect(parseSize(value)).toBe(bytes);
  });

  it.each(["12Q", "", "M", "-1", "1e3", "1MBs", "1..5M", "ten", "99999999P"])("refuses %j", (value) => {
    const e = usageError(() => parseSize(value));
    expect(e.message).toBe(
      `invalid size ${JSON.stringify(value)}: use a number with an optional unit B, K, M, G, T, P (e.g. 10M, 1.5G; 1K = 1024 bytes)`,
    );
  });

  it("names the flag when given one", () => {
    expect(usageError(() => parseSize("12Q", "--min-size")).message).toMatch(/^invalid size "12Q" for --min-size: /);
  });
});

describe("parseBwLimit", () => {
  it.each<[string, number | undefined]>([
    ["10M", 10 * M],
    ["512K", 512 * K],
    ["50MB/s", 50 * M],
    ["1000", 1000],
    ["off", undefined],
    ["OFF", undefined],
    ["0", undefined],
  ])("%j → %s", (value, limit) => {
    expect(parseBwLimit(value)).toBe(limit);
  });

  it("refuses a bad value", () => {
    expect(usageError(() => parseBwLimit("fast", "--bwlimit")).message).toMatch(/^invalid bandwidth limit "fast" for --bwlimit: .*or "off"/);
  });
});

describe("parseDuration", () => {
  const S = 1000;
  const MIN = 60 * S;
  const H = 60 * MIN;
  const D = 24 * H;
  it.each<[string, number]>([
    ["30d", 30 * D],
    ["2h", 2 * H],
    ["90s", 90 * S],
    ["1w", 7 * D],
    ["500ms", 500],
    ["1h30m", H + 30 * MIN],
    ["1d2h3m4s5ms", D + 2 * H + 3 * MIN + 4 * S + 5],
    ["1.5h", 1.5 * H],
    ["2M", 60 * D],
    ["1y", 365 * D],
    ["5m", 5 * MIN],
    ["2D", 2 * D],
    ["3H", 3 * H],
    ["90", 90 * S],
    ["0", 0],
    [" 2h ", 2 * H],
  ])("%j → %d ms", (value, ms) => {
    expect(parseDuration(value)).toBe(ms);
  });

  it.each(["", "3x", "h", "1h30", "-1d", "1 h", "d1", "1hh"])("refuses %j", (value) => {
    expect(usageError(() => parseDuration(value)).message).toBe(
      `invalid duration ${JSON.stringify(value)}: use a number with a unit ms, s, m, h, d, w, M (30 days) or y (365 days), e.g. 30d, 2h, 90s, 1h30m`,
    );
  });
});

describe("parseAge", () => {
  const now = Date.UTC(2024, 4, 1, 12); // 2024-05-01T12:00:00Z
  it.each<[string, number]>([
    ["30d", 30 * 86_400_000],
    ["2h", 7_200_000],
    ["2024-05-01T00:00:00Z", 12 * 3_600_000],
    ["2024-04-30T12:00:00z", 86_400_000],
    ["2024-05-01T10:00:00+02:00", 4 * 3_600_000],
    ["2024-05-01T10:00:00-0100", 3_600_000],
    ["2024-05-01T11:59:59.5Z", 500],
    ["2024-05-01 11:00Z", 3_600_000],
    ["2024-05-02T12:00:00Z", -86_400_000],
  ])("%j → %d ms", (value, age) => {
    expect(parseAge(value, now)).toBe(age);
  });

  it("reads a date or date-time without a zone as local time", () => {
    expect(parseAge("2024-04-01", now)).toBe(now - new Date(2024, 3, 1).getTime());
    expect(parseAge("2024-04-01T08:30", now)).toBe(now - new Date(2024, 3, 1, 8, 30).getTime());
  });

  it.each(["yesterday", "2024-13-01", "2024-02-30", "2024-05-01T25:00", "2024/05/01", "05-01-2024", ""])("refuses %j", (value) => {
    expect(usageError(() => parseAge(value, now, "--max-age")).message).toBe(
      `invalid age ${JSON.stringify(value)} for --max-age: use a duration (e.g. 30d, 2h, 1h30m) or a date or date-time (e.g. 2024-05-01, 2024-05-01T12:00:00Z)`,
    );
  });
});

describe("parsePercentOrCount", () => {
  it.each<[string, ReturnType<typeof parsePercentOrCount>]>([
    ["50%", { kind: "percent", value: 50 }],
    ["12.5%", { kind: "percent", value: 12.5 }],
    ["0%", { kind: "percent", value: 0 }],
    ["100%", { kind: "percent", value: 100 }],
    [" 50 % ", { kind: "percent", value: 50 }],
    ["100", { kind: "count", value: 100 }],
    ["0", { kind: "count", value: 0 }],
  ])("%j → %j", (value, parsed) => {
    expect(parsePercentOrCount(value)).toEqual(parsed);
  });

  it.each(["", "%", "101%", "-5", "1.5", "ten", "50%%", "1e3"])("refuses %j", (value) => {
    expect(usageError(() => parsePercentOrCount(value, "--max-delete")).message).toBe(
      `invalid value ${JSON.stringify(value)} for --max-delete: use a whole count (e.g. 100) or a percentage up to 100% (e.g. 50%)`,
    );
  });
});
