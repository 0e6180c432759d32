import path from "node:path";
import { pathToFileURL } from "node:url";
import { type Adapter, type AdapterFromUrl, FerryError, type LocationContext, isFerryError } from "@ferry/core";
import type { LocationSettings, RemoteConfig } from "./options.js";

export interface KnownAdapter {
  name: string;
  schemes: string[];
  package: string;
  description: string;
}

/** Every adapter ferry knows, installed or not (`ferry adapters` lists them). */
export const KNOWN_ADAPTERS: readonly KnownAdapter[] = [
  { name: "local", schemes: ["file"], package: "@ferry/adapter-local", description: "local folders (paths, file:// URLs)" },
  { name: "memory", schemes: ["mem"], package: "@ferry/adapter-memory", description: "in-process memory (tests, demos)" },
  { name: "s3", schemes: ["s3"], package: "@ferry/adapter-s3", description: "Amazon S3 and S3-compatibles (R2, MinIO, …)" },
  { name: "azure", schemes: ["az", "azure"], package: "@ferry/adapter-azure", description: "Azure Blob Storage" },
  { name: "webdav", schemes: ["webdav", "webdavs"], package: "@ferry/adapter-webdav", description: "WebDAV servers" },
  { name: "sftp", schemes: ["sftp"], package: "@ferry/adapter-sftp", description: "SFTP over SSH" },
];

const SCHEME = /^([a-z][a-z0-9+.-]*):\/\//i;
const REMOTE = /^([A-Za-z0-9_][A-Za-z0-9_.-]+):(.*)$/s;

/** Opens a location (URL, path, `remote:path` or adapter object) as an adapter. */
export async function openLocation(location: string | Adapter, settings: LocationSettings = {}): Promise<Adapter> {
  if (typeof location !== "string") return location;
  if (location.trim() === "") throw new FerryError("Usage", "empty location", { hint: "give a path or a URL such as s3://bucket/prefix/" });
  const context: LocationContext = { options: { ...settings.adapterOptions }, env: settings.env ?? process.env };

  const scheme = SCHEME.exec(location)?.[1]?.toLowerCase();
  if (scheme) return openUrl(location, scheme, context);

  const remote = REMOTE.exec(location);
  // a single letter before ":" is a Windows drive, not a remote
  if (remote && !location.startsWith(".") && !location.startsWith("/")) {
    return openRemote(remote[1]!, remote[2]!, settings, context);
  }
  return openUrl(pathToFileURL(path.resolve(location)).href, "file", context);
}

async function openUrl(location: string, scheme: string, context: LocationContext): Promise<Adapter> {
  const known = KNOWN_ADAPTERS.find((a) => a.schemes.includes(scheme));
  if (!known) {
    const schemes = KNOWN_ADAPTERS.flatMap((a) => a.schemes.map((s) => `${s}://`)).join(", ");
    throw new FerryError("Usage", `unknown scheme "${scheme}://" in ${redactUrl(location)}`, { hint: `known schemes: ${schemes}` });
  }
  let url: URL;
  try {
    url = new URL(location);
  } catch {
    throw new FerryError("Usage", `malformed URL ${redactUrl(location)}`, { hint: `write it as ${known.schemes[0]}://…` });
  }
  const fromUrl = await loadAdapterFactory(known);
  return fromUrl(url, context);
}

async function loadAdapterFactory(known: KnownAdapter): Promise<AdapterFromUrl> {
  let mod: { fromUrl?: AdapterFromUrl };
  try {
    mod = (await import(known.package)) as { fromUrl?: AdapterFromUrl };
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === "ERR_MODULE_NOT_FOUND" && String((e as Error).message).includes(known.package)) {
      throw new FerryError("Usage", `the ${known.name} adapter is not installed`, {
        hint: `install it: npm install ${known.package}`,
        cause: e,
      });
    }
    throw e;
  }
  if (typeof mod.fromUrl !== "function") throw new FerryError("Provider", `${known.package} does not export fromUrl`);
  return mod.fromUrl;
}

/** Which URL a named remote's settings describe, and the options its adapter reads. */
async function openRemote(name: string, rest: string, settings: LocationSettings, context: LocationContext): Promise<Adapter> {
  const remote = settings.remotes?.[name];
  if (!remote) {
    const names = Object.keys(settings.remotes ?? {});
    throw new FerryError("Usage", `unknown remote "${name}" in "${name}:${rest}"`, {
      hint: names.length ? `configured remotes: ${names.join(", ")}` : "define it under \"remotes\" in the config file (ferry check-config)",
    });
  }
  const { url, options } = remoteToUrl(name, remote, rest);
  return openLocation(url, { ...settings, adapterOptions: { ...options, ...context.options }, env: context.env });
}

const seg = (s: unknown) => String(s ?? "").replace(/^\/+|\/+$/g, "");
const joinPath = (...parts: unknown[]) => parts.map(seg).filter(Boolean).join("/");

export function remoteToUrl(name: string, remote: RemoteConfig, rest: string): { url: string; options: Record<string, unknown> } {
  const type = remote.type;
  // every other setting becomes the adapter option `<type><Setting>` (endpoint → s3Endpoint)
  const options: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(remote)) {
    if (k === "type") continue;
    options[`${type}${k[0]!.toUpperCase()}${k.slice(1)}`] = v;
  }
  const r = remote as Record<string, unknown>;
  switch (type) {
    case "s3":
      return { url: `s3://${seg(r.bucket)}/${joinPath(r.prefix, rest)}`, options };
    case "azure":
      return { url: `az://${seg(r.container)}/${joinPath(r.prefix, rest)}`, options };
    case "webdav": {
      const base = String(r.url ?? "").replace(/^http/, "webdav");
      return { url: `${base.replace(/\/+$/, "")}/${joinPath(r.path, rest)}`, options };
    }
    case "sftp": {
      const user = r.user ? `${encodeURIComponent(String(r.user))}@` : "";
      const port = r.port ? `:${r.port}` : "";
      return { url: `sftp://${user}${r.host}${port}/${joinPath(r.root ?? r.path, rest)}`, options };
    }
    case "local":
      return { url: pathToFileURL(path.resolve(String(r.root ?? r.path ?? "."), rest)).href, options };
    case "memory":
      return { url: `mem://${seg(r.name ?? name)}/${joinPath(r.prefix, rest)}`, options };
    default:
      throw new FerryError("Usage", `remote "${name}" has unknown type "${type}"`, {
        hint: `types: ${KNOWN_ADAPTERS.map((a) => a.name).join(", ")}`,
      });
  }
}

const SECRET_PARAMS = /^(sig|signature|x-amz-signature|x-amz-credential|x-amz-security-token|token|access_token|password|pass|secret|key|sas|skoid|sktid)$/i;

/** A URL safe to print: password and secret query parameters replaced. */
export function redactUrl(location: string): string {
  const m = SCHEME.exec(location);
  if (!m) return location;
  try {
    const url = new URL(location);
    if (url.password) url.password = "REDACTED";
    for (const key of [...url.searchParams.keys()]) if (SECRET_PARAMS.test(key)) url.searchParams.set(key, "REDACTED");
    return url.href;
  } catch {
    // not parseable: drop anything between scheme and @ to be safe
    return location.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^@/]*@/i, "$1REDACTED@");
  }
}

export function isLocationError(e: unknown): boolean {
  return isFerryError(e) && (e.code === "Unreachable" || e.code === "NotFound" || e.code === "Unauthorized");
}
