import type { Entry } from "@ferry/core";
import type { FlagValues } from "../flags/flag-values.js";
import { filterSettings } from "../flags/filters.js";
import { outputSettings } from "../flags/output.js";
import { formatBytes } from "../ui/format.js";
import { LineWriter } from "../ui/renderer.js";
import { locationArgs, locationSettings, prepareLocations, type CommandEnv } from "./setup.js";

const pad = (n: number) => String(n).padStart(2, "0");

/** aws prints local wall-clock time, `2024-01-31 12:00:00`. */
export function lsTime(ms: number | undefined): string {
  if (ms === undefined) return " ".repeat(19);
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

export interface LsFormat {
  humanReadable: boolean;
  etags: boolean;
}

/** One aws-style `ls` line: `2024-01-31 12:00:00       1234 key`, folders as `PRE name/`. */
export function lsLine(entry: Entry, format: LsFormat): string {
  if (entry.type === "dir") return `${" ".repeat(27)}PRE ${entry.key.replace(/\/?$/, "/")}`;
  const size = format.humanReadable ? formatBytes(entry.size) : String(entry.size);
  const etag = format.etags ? ` ${(entry.etag ?? "-").padEnd(34)}` : "";
  const link = entry.type === "symlink" && entry.target !== undefined ? ` -> ${entry.target}` : "";
  // object-store listings carry the upload time, not the kept mtime (that needs a HEAD per
  // key); aws s3 ls shows the upload time too
  return `${lsTime(entry.mtime ?? entry.lastModified)} ${size.padStart(10)}${etag} ${entry.key}${link}`;
}

export function lsJson(entry: Entry): Record<string, unknown> {
  return {
    type: "entry",
    key: entry.key,
    kind: entry.type ?? "file",
    size: entry.size,
    ...(entry.mtime !== undefined ? { mtime: new Date(entry.mtime).toISOString() } : {}),
    ...(entry.lastModified !== undefined ? { lastModified: new Date(entry.lastModified).toISOString() } : {}),
    ...(entry.etag ? { etag: entry.etag } : {}),
    ...(entry.hashes && Object.keys(entry.hashes).length > 0 ? { hashes: entry.hashes } : {}),
    ...(entry.target !== undefined ? { target: entry.target } : {}),
  };
}

/** `ferry ls LOCATION [-R] [--json]` */
export async function runLs(arg: string, flags: FlagValues, env: CommandEnv, format: LsFormat & { recursive: boolean; summarize: boolean }): Promise<number> {
  const output = outputSettings(flags);
  const filters = filterSettings(flags);
  const [loc] = locationArgs([arg], env);
  const prepared = await prepareLocations([loc!], flags, env);
  const lines = new LineWriter(env.io, env.scrubber);
  let objects = 0;
  let bytes = 0;
  for await (const entry of prepared.sdk.list(prepared.locations[0]!, {
    ...filters,
    recursive: format.recursive,
    ...locationSettings(prepared, env),
  })) {
    if (entry.type !== "dir") {
      objects++;
      bytes += entry.size;
    }
    lines.out(output.json ? JSON.stringify(lsJson(entry)) : lsLine(entry, format));
  }
  if (format.summarize) {
    if (output.json) lines.out(JSON.stringify({ type: "summary", objects, bytes }));
    else {
      lines.out("");
      lines.out(`Total Objects: ${objects}`);
      lines.out(`   Total Size: ${format.humanReadable ? formatBytes(bytes) : bytes}`);
    }
  }
  return 0;
}
