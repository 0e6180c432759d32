import { usageError } from "../errors.js";
import type { SecretScrubber } from "../secrets.js";
import { REMOTE_NAME, SECRET_FIELDS } from "./names.js";
import type { FerryConfig, RemoteConfig } from "./schema.js";

/** `backup:photos/2024` → { name: "backup", path: "photos/2024" }; URLs and paths → undefined. */
export function parseRemoteReference(location: string): { name: string; path: string } | undefined {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(location)) return undefined;
  const colon = location.indexOf(":");
  if (colon < 0) return undefined;
  const name = location.slice(0, colon);
  if (!REMOTE_NAME.test(name)) return undefined;
  return { name, path: location.slice(colon + 1).replace(/^\/+/, "") };
}

const ENV_REFERENCE = /^\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))$/;

/** Names of environment variables a remote refers to. */
export function envReferences(remote: RemoteConfig): Array<{ field: string; variable: string }> {
  const out: Array<{ field: string; variable: string }> = [];
  const visit = (value: unknown, field: string) => {
    if (typeof value === "string") {
      const m = ENV_REFERENCE.exec(value);
      if (m) out.push({ field, variable: (m[1] ?? m[2])! });
    } else if (value && typeof value === "object") {
      for (const [k, v] of Object.entries(value)) visit(v, field ? `${field}.${k}` : k);
    }
  };
  visit(remote, "");
  return out;
}

/**
 * Replaces `"$VAR"` references with their values, at use time so a secret lives only in the
 * environment. Every resolved value, and every literal secret field, goes to the scrubber.
 */
export function resolveRemoteSecrets(name: string, remote: RemoteConfig, env: Record<string, string | undefined>, scrubber: SecretScrubber): RemoteConfig {
  const resolve = (value: unknown, field: string): unknown => {
    if (typeof value === "string") {
      const m = ENV_REFERENCE.exec(value);
      if (!m) {
        if (SECRET_FIELDS.has(field.split(".").pop() ?? "")) scrubber.add(value);
        return value;
      }
      const variable = (m[1] ?? m[2])!;
      const resolved = env[variable];
      if (resolved === undefined || resolved === "") {
        throw usageError(`remote "${name}": ${field} refers to $${variable}, which is not set`, `export ${variable}=… or change the config file`);
      }
      scrubber.add(resolved);
      return resolved;
    }
    if (value && typeof value === "object" && !Array.isArray(value)) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v, field ? `${field}.${k}` : k)]));
    }
    return value;
  };
  return resolve(remote, "") as RemoteConfig;
}

/** Looks a `name:path` reference up in the config; unknown names are a usage error listing the known ones. */
export function lookupRemote(config: FerryConfig, configPath: string, name: string): RemoteConfig {
  const remote = config.remotes[name];
  if (remote) return remote;
  const known = Object.keys(config.remotes);
  throw usageError(
    `unknown remote "${name}" (not in ${configPath})`,
    known.length > 0 ? `known remotes: ${known.join(", ")}; for a local path containing ":", write ./${name}:…` : `define it under "remotes" in the config file, or write ./${name}:… for a local path`,
  );
}
