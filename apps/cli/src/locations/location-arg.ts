import { parseRemoteReference } from "../config/remotes.js";
import { redactUrlCredentials } from "../secrets.js";

/** Scheme → adapter kind for the schemes ferry ships adapters for (SPEC §1). */
export const SCHEME_ADAPTERS: Readonly<Record<string, string>> = {
  file: "local",
  s3: "s3",
  az: "azure",
  azure: "azure",
  webdav: "webdav",
  webdavs: "webdav",
  sftp: "sftp",
  mem: "memory",
};

/** A location argument as the CLI sees it, before any adapter is opened. */
export interface LocationArg {
  /** exactly what the user typed */
  arg: string;
  /** local path, URL with a scheme, or named remote */
  form: "path" | "url" | "remote";
  /** URL scheme (without ":"), when form is url */
  scheme?: string;
  /** adapter kind when known from the scheme ("local", "s3", …) */
  adapter?: string;
  /** for named remotes */
  remote?: { name: string; path: string };
  /** what to print before a key: the argument as typed, credentials redacted, without trailing "/" */
  display: string;
}

export function parseLocationArg(arg: string): LocationArg {
  const display = redactUrlCredentials(arg).replace(/\/+$/, "") || (arg.startsWith("/") ? "/" : arg);
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(arg)?.[1]?.toLowerCase();
  if (scheme !== undefined) {
    const adapter = SCHEME_ADAPTERS[scheme];
    return { arg, form: "url", scheme, ...(adapter ? { adapter } : {}), display };
  }
  const remote = parseRemoteReference(arg);
  if (remote) return { arg, form: "remote", remote, display };
  return { arg, form: "path", adapter: "local", display };
}

/** True when keys of this location live on this machine's file system. */
export function isLocal(loc: LocationArg): boolean {
  return loc.adapter === "local";
}

/** `./site` + `a/b.txt` → `./site/a/b.txt`; `backup:` + `x` → `backup:x`. */
export function displayKey(loc: Pick<LocationArg, "display">, key: string): string {
  const root = loc.display;
  if (root === "" ) return key;
  if (root.endsWith("/") || root.endsWith(":")) return `${root}${key}`;
  return `${root}/${key}`;
}
