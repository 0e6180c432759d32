import { join } from "node:path";
import { usageError } from "../errors.js";
import type { SecretScrubber } from "../secrets.js";
import { REMOTE_NAME, SECRET_FIELDS, type FerryConfig, type RemoteConfig } from "./schema.js";

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

export interface ResolvedRemote {
  /** the remote's name as the user wrote it, for messages */
  name: string;
  /** adapter kind: s3, azure, webdav, sftp, local, memory */
  adapter: string;
  /** a location URL (or local path) the SDK can open */
  url: string;
  /** adapter options by the same camelCase names as the flags (`s3Endpoint`, `sftpKeyFile`) */
  options: Record<string, unknown>;
}

const joinKey = (...parts: Array<string | undefined>) =>
  parts
    .filter((p): p is string => p !== undefined && p !== "")
    .map((p) => p.replace(/^\/+|\/+$/g, ""))
    .filter((p) => p !== "")
    .join("/");

const encodePath = (p: string) => p.split("/").map(encodeURIComponent).join("/");

/** Turns a config remote plus a sub-path into a URL and adapter options. */
export function remoteLocation(name: string, remote: RemoteConfig, subPath: string): ResolvedRemote {
  const options: Record<string, unknown> = {};
  const set = (key: string, value: unknown) => {
    if (value !== undefined) options[key] = value;
  };
  let url: string;
  switch (remote.type) {
    case "s3":
      url = `s3://${remote.bucket}/${encodePath(joinKey(remote.prefix, subPath))}`;
      set("s3Endpoint", remote.endpoint);
      set("s3Region", remote.region);
      set("s3PathStyle", remote.pathStyle);
      set("s3Profile", remote.profile);
      set("s3AccessKeyId", remote.accessKeyId);
      set("s3SecretAccessKey", remote.secretAccessKey);
      set("s3SessionToken", remote.sessionToken);
      break;
    case "azure":
      url = remote.account
        ? `azure://${remote.account}/${remote.container}/${encodePath(joinKey(remote.prefix, subPath))}`
        : `az://${remote.container}/${encodePath(joinKey(remote.prefix, subPath))}`;
      set("azureAccount", remote.account);
      set("azureConnectionString", remote.connectionString);
      set("azureKey", remote.key);
      set("azureSasToken", remote.sasToken);
      break;
    case "webdav": {
      const base = new URL(remote.url.replace(/^http/, "webdav").replace(/^webdavs?s:/, "webdavs:"));
      url = `${base.protocol}//${base.host}/${encodePath(joinKey(decodeURIComponent(base.pathname), subPath))}`;
      set("webdavUser", remote.user);
      set("webdavPassword", remote.password);
      break;
    }
    case "sftp": {
      const user = remote.user ? `${encodeURIComponent(remote.user)}@` : "";
      const port = remote.port ? `:${remote.port}` : "";
      url = `sftp://${user}${remote.host}${port}/${encodePath(joinKey(remote.path, subPath))}`;
      set("sftpKeyFile", remote.keyFile);
      set("sftpPassword", remote.password);
      set("sftpKnownHosts", remote.knownHosts);
      set("sftpInsecureHostKey", remote.insecureHostKey);
      break;
    }
    case "local":
      url = subPath ? join(remote.path, subPath) : remote.path;
      break;
    case "memory":
      url = `mem://${remote.name}/${encodePath(joinKey(remote.prefix, subPath))}`;
      break;
  }
  for (const [k, v] of Object.entries(remote.options ?? {})) options[k] = v;
  return { name, adapter: remote.type, url, options };
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
