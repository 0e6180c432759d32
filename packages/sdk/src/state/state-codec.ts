import { FerryError, type HashAlgorithm, type SideSnapshot, type StateRecord } from "@ferry/core";

/**
 * The state file's line format: a JSON header line, then one JSON array per key in byte order
 * of key — `["dir/a.txt",[5,1700000000000,"etag",{"md5":"…"}],[5,1700000000000]]`, each side
 * `[size, mtime, etag, hashes]` with trailing unknowns left off, or `null` where that side did
 * not hold the key. JSON keeps any key (tabs, newlines, quotes) on one line, and a line costs
 * one JSON.parse to read.
 */
export const STATE_FORMAT = "ferry-bisync-state";
export const STATE_VERSION = 1;

export interface StateHeader {
  format: typeof STATE_FORMAT;
  version: number;
  /** the roots of the two sides when the file was written: which side is "src" */
  roots: { src: string; dst: string };
  /** the filter set the state was made under (canonical JSON) */
  filter: string;
  /** ISO time of writing */
  written: string;
}

type EncodedSide = [number, (number | null)?, (string | null)?, Partial<Record<HashAlgorithm, string>>?] | null;

export function encodeHeader(header: StateHeader): string {
  return `${JSON.stringify(header)}\n`;
}

export function decodeHeader(line: string, file: string): StateHeader {
  let h: Partial<StateHeader>;
  try {
    h = JSON.parse(line) as Partial<StateHeader>;
  } catch {
    h = {};
  }
  if (h.format !== STATE_FORMAT || typeof h.version !== "number" || !h.roots || typeof h.filter !== "string") {
    throw new FerryError("Usage", `${file} is not a ferry bisync state file`, { hint: "run once with --resync to rebuild the state" });
  }
  if (h.version !== STATE_VERSION) {
    throw new FerryError("Usage", `${file} has state format version ${h.version}; this ferry reads version ${STATE_VERSION}`, {
      hint: "run once with --resync to rebuild the state with this version",
    });
  }
  return h as StateHeader;
}

function encodeSide(s: SideSnapshot | undefined): EncodedSide {
  if (!s) return null;
  const out: NonNullable<EncodedSide> = [s.size, s.mtime ?? null, s.etag ?? null];
  if (s.hashes) out.push(s.hashes);
  while (out.length > 1 && out[out.length - 1] === null) out.pop();
  return out;
}

function decodeSide(v: unknown): SideSnapshot | undefined {
  if (v === null || v === undefined) return undefined;
  if (!Array.isArray(v) || typeof v[0] !== "number") throw new Error("bad side");
  const s: SideSnapshot = { size: v[0] };
  if (typeof v[1] === "number") s.mtime = v[1];
  if (typeof v[2] === "string") s.etag = v[2];
  if (v[3] && typeof v[3] === "object") s.hashes = v[3] as SideSnapshot["hashes"] & object;
  return s;
}

/** One record as a line (always written in the current run's orientation). */
export function encodeRecord(r: StateRecord): string {
  return `${JSON.stringify([r.key, encodeSide(r.src), encodeSide(r.dst)])}\n`;
}

/**
 * The line a record was read from, kept on it (unless the sides were swapped) so that a record
 * the planner passes on unchanged is written back without encoding it again.
 */
const LINE = Symbol("state line");
type WithLine = StateRecord & { [LINE]?: string };

export function encodedLine(r: StateRecord): string | undefined {
  return (r as WithLine)[LINE];
}

export function decodeRecord(line: string, swap: boolean, where: string): StateRecord {
  try {
    const v = JSON.parse(line) as unknown[];
    if (!Array.isArray(v) || typeof v[0] !== "string") throw new Error("bad record");
    const a = decodeSide(v[1]);
    const b = decodeSide(v[2]);
    const src = swap ? b : a;
    const dst = swap ? a : b;
    const r: WithLine = { key: v[0] };
    if (src) r.src = src;
    if (dst) r.dst = dst;
    if (!swap) r[LINE] = `${line}\n`;
    return r;
  } catch {
    throw new FerryError("Usage", `the bisync state is damaged at ${where}`, { hint: "run once with --resync to rebuild it" });
  }
}
