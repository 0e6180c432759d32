import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import type { ZodError } from "zod";
import { usageError } from "../errors.js";
import type { FerryConfig } from "./schema.js";

export interface LoadedConfig {
  /** the file read, or where it would have been */
  path: string;
  /** false when the default file does not exist (an empty config) */
  exists: boolean;
  config: FerryConfig;
}

export function defaultConfigPath(env: Record<string, string | undefined>): string {
  const base = env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME.trim() !== "" ? env.XDG_CONFIG_HOME : join(env.HOME ?? homedir(), ".config");
  return join(base, "ferry", "config.json");
}

/**
 * Reads and validates the config file. A missing default file is an empty config; a missing
 * file named by --config is an error, as is any JSON or schema problem (one line naming it).
 * The schema (and zod with it) is loaded only when there is a file to check: most runs name
 * no remote and should not pay for it at start-up.
 */
export async function loadConfig(explicitPath: string | undefined, env: Record<string, string | undefined>): Promise<LoadedConfig> {
  const path = explicitPath ?? defaultConfigPath(env);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === "ENOENT" && explicitPath === undefined) return { path, exists: false, config: { remotes: {} } };
    const why = code === "ENOENT" ? "no such file" : code === "EACCES" ? "permission denied" : code === "EISDIR" ? "is a directory" : (e as Error).message;
    throw usageError(`config file ${path}: cannot read it (${why})`, "check --config / FERRY_CONFIG, or create the file (see `ferry check-config --help`)");
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw usageError(`config file ${path}: invalid JSON (${(e as Error).message})`, "fix the file; `ferry check-config` validates it");
  }
  const { configSchema } = await import("./schema.js");
  const parsed = configSchema.safeParse(json);
  if (!parsed.success) throw usageError(`config file ${path}: ${describeZodError(parsed.error)}`, "see the config format in the ferry CLI README; `ferry check-config` validates the file");
  return { path, exists: true, config: parsed.data };
}

/** The first schema problem as `remotes.backup.bucket: Required` (one line, no values echoed). */
export function describeZodError(error: ZodError): string {
  const issue = error.issues[0];
  if (!issue) return "invalid";
  const where = issue.path.length > 0 ? issue.path.join(".") : "(top level)";
  let message = issue.message;
  if (issue.code === "unrecognized_keys") message = `unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `"${k}"`).join(", ")}`;
  if (issue.code === "invalid_union_discriminator") message = `unknown type; use one of ${issue.options.map(String).join(", ")}`;
  const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more problem${error.issues.length > 2 ? "s" : ""})` : "";
  return `${where}: ${message}${more}`;
}
