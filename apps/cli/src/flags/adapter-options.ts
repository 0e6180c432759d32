import { usageError } from "../errors.js";
import type { SecretScrubber } from "../secrets.js";
import { parseBoolean, type FlagValues } from "./flag-values.js";
import { camelName, LOCATION_FLAGS } from "./spec.js";

/** Adapter flags carry their adapter's name as prefix (`--s3-endpoint` belongs to s3). */
const PREFIXED = /^(s3|azure|webdav|sftp)-/;

/**
 * Location flags → `adapterOptions` by camelCase name (`--sftp-key-file` → `sftpKeyFile`), the
 * names adapters read from their LocationContext. Secret values are handed to the scrubber
 * before anything can print them.
 */
export function adapterOptions(flags: FlagValues, scrubber: SecretScrubber): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const spec of LOCATION_FLAGS) {
    const raw = flags.raw(spec.name);
    if (raw === undefined || raw === false) continue;
    let value: unknown = raw;
    if (spec.optionalValue) value = raw === true ? true : parseBoolean(String(raw), flags.given(spec.name));
    // Adapters read `links` as the symlink policy: "copy" keeps symlinks, the default follows.
    if (spec.name === "links") value = "copy";
    if (spec.secret && typeof value === "string") scrubber.add(value);
    out[camelName(spec.name)] = value;
  }
  return out;
}

/**
 * Refuses adapter flags for adapters the run does not use: `--s3-endpoint` on a local→local
 * sync would otherwise be silently ignored. Only flags typed on the command line: a
 * FERRY_WEBDAV_PASSWORD kept in the environment is standing configuration (like AWS_* variables)
 * and must not break an sftp or local run.
 */
export function assertAdapterFlagsApply(flags: FlagValues, adaptersInUse: ReadonlySet<string>): void {
  for (const spec of LOCATION_FLAGS) {
    if (!flags.has(spec.name) || flags.source(spec.name) === "env") continue;
    const adapter = PREFIXED.exec(spec.name)?.[1];
    if (adapter && !adaptersInUse.has(adapter)) {
      const used = [...adaptersInUse].sort().join(" and ") || "these locations";
      throw usageError(`${flags.given(spec.name)} is not supported by ${used}: no ${adapter} location in this command`, `remove ${flags.given(spec.name)}, or use an ${adapter}:// location`);
    }
  }
}
