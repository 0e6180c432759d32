import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { FerryError, type LocationContext } from "@ferry/core";
import { ADAPTER_NAME } from "./errors.js";
import type { SftpOptions } from "./options.js";

/**
 * `sftp://user@host[:port]/path` plus the front end's settings → SftpOptions.
 * The path is absolute; `/~/dir` (or no path at all) is relative to the login directory.
 * Settings (camelCase flags): sftpKeyFile, sftpKeyPassphrase, sftpPassword, sftpKnownHosts,
 * sftpInsecureHostKey, sftpAgent (false to not use SSH_AUTH_SOCK), sftpConnections, links.
 */
export function sftpOptionsFromUrl(url: URL, context: LocationContext): SftpOptions {
  if (url.protocol !== "sftp:") throw usage(`not an sftp URL: ${url.protocol}//…`);
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  if (!host) throw usage("an sftp URL needs a host: sftp://user@host[:port]/path");
  const { options, env } = context;
  const setting = (name: string, envName?: string): string | undefined => {
    const v = options[name];
    if (typeof v === "string" && v !== "") return v;
    if (typeof v === "number") return String(v);
    return envName ? env[envName] || undefined : undefined;
  };

  const username = decode(url.username) || setting("sftpUser", "FERRY_SFTP_USER") || env.USER || os.userInfo().username;
  const password = decode(url.password) || setting("sftpPassword", "FERRY_SFTP_PASSWORD");
  let keyFile = setting("sftpKeyFile", "FERRY_SFTP_KEY_FILE");
  const agentSetting = options.sftpAgent;
  const agent = agentSetting === false ? undefined : typeof agentSetting === "string" ? agentSetting : env.SSH_AUTH_SOCK || undefined;
  // like ssh: with nothing else configured, use the user's default identity
  if (!keyFile && !password && !agent) keyFile = defaultIdentity();

  const portText = url.port;
  const port = portText ? Number(portText) : undefined;
  const connectionsText = setting("sftpConnections", "FERRY_SFTP_CONNECTIONS");
  const connections = connectionsText === undefined ? undefined : Number(connectionsText);
  // NaN or 0 would mean "no limit" further down: refuse it here instead
  if (connections !== undefined && (!Number.isInteger(connections) || connections < 1))
    throw new FerryError("Usage", `--sftp-connections must be a whole number of at least 1 (got ${JSON.stringify(connectionsText)})`);
  const links = options.links === true || options.links === "copy" ? "copy" : "follow";

  return {
    host,
    ...(port !== undefined ? { port } : {}),
    username,
    ...(password !== undefined ? { password } : {}),
    ...(keyFile ? { keyFile: expandHome(keyFile) } : {}),
    ...(setting("sftpKeyPassphrase", "FERRY_SFTP_KEY_PASSPHRASE") ? { passphrase: setting("sftpKeyPassphrase", "FERRY_SFTP_KEY_PASSPHRASE")! } : {}),
    ...(agent ? { agent } : {}),
    ...(setting("sftpKnownHosts", "FERRY_SFTP_KNOWN_HOSTS") ? { knownHostsFile: expandHome(setting("sftpKnownHosts", "FERRY_SFTP_KNOWN_HOSTS")!) } : {}),
    insecureHostKey: truthy(options.sftpInsecureHostKey ?? env.FERRY_SFTP_INSECURE_HOST_KEY),
    root: rootOf(url),
    ...(connections !== undefined ? { connections } : {}),
    // --fsync=false: skip the fsync@openssh.com request before the rename
    ...(options.fsync === false ? { fsync: false } : {}),
    links,
    ...(options.dirs === true || options.dirs === "true" ? { dirs: true } : {}),
  };
}

function rootOf(url: URL): string {
  const p = decode(url.pathname);
  if (p === "" || p === "/~" || p === "/~/") return ".";
  if (p.startsWith("/~/")) return p.slice(3);
  return p;
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw usage("the sftp URL has a malformed %-escape");
  }
}

function truthy(v: unknown): boolean {
  return v === true || v === "true" || v === "1" || v === "yes";
}

function expandHome(p: string): string {
  return p === "~" || p.startsWith("~/") ? path.join(os.homedir(), p.slice(1)) : p;
}

function defaultIdentity(): string | undefined {
  for (const name of ["id_ed25519", "id_ecdsa", "id_rsa"]) {
    const file = path.join(os.homedir(), ".ssh", name);
    if (fs.existsSync(file)) return file;
  }
  return undefined;
}

function usage(message: string): FerryError {
  return new FerryError("Usage", message, { adapter: ADAPTER_NAME });
}
