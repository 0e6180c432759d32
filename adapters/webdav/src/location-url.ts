import { FerryError, type LocationContext } from "@ferry/core";
import { ADAPTER_NAME } from "./errors.js";
import type { WebdavOptions } from "./options.js";

/**
 * `webdav://host[:port]/path` (http) and `webdavs://…` (https) plus the front end's settings →
 * WebdavOptions. Credentials come from the URL's userinfo, then the settings webdavUser /
 * webdavPassword, then FERRY_WEBDAV_USER / FERRY_WEBDAV_PASSWORD. Other settings: webdavAuth
 * (auto|basic|digest), webdavVendor (other|owncloud|nextcloud), webdavListConcurrency.
 */
export function webdavOptionsFromUrl(url: URL, context: LocationContext): WebdavOptions {
  const protocol = url.protocol === "webdav:" ? "http:" : url.protocol === "webdavs:" ? "https:" : undefined;
  if (!protocol) throw usage(`not a webdav URL: ${url.protocol}//…`);
  if (!url.hostname) throw usage("a webdav URL needs a host: webdav://host[:port]/path");
  const { options, env } = context;
  const setting = (name: string, envName?: string): string | undefined => {
    const v = options[name];
    if (typeof v === "string" && v !== "") return v;
    if (typeof v === "number") return String(v);
    return envName ? env[envName] || undefined : undefined;
  };
  const username = decode(url.username) || setting("webdavUser", "FERRY_WEBDAV_USER");
  const password = decode(url.password) || setting("webdavPassword", "FERRY_WEBDAV_PASSWORD");
  const auth = setting("webdavAuth", "FERRY_WEBDAV_AUTH") ?? "auto";
  if (auth !== "auto" && auth !== "basic" && auth !== "digest") throw usage(`--webdav-auth must be auto, basic or digest, not ${JSON.stringify(auth)}`);
  const vendor = setting("webdavVendor", "FERRY_WEBDAV_VENDOR") ?? "other";
  if (vendor !== "other" && vendor !== "owncloud" && vendor !== "nextcloud") {
    throw usage(`--webdav-vendor must be other, owncloud or nextcloud, not ${JSON.stringify(vendor)}`);
  }
  const listConcurrency = setting("webdavListConcurrency");

  // the http(s) URL carries no credentials: they go to the adapter separately
  const http = new URL(`${protocol}//${url.host}${url.pathname || "/"}`);
  return {
    url: http.href,
    ...(username !== undefined ? { username } : {}),
    ...(password !== undefined ? { password } : {}),
    auth,
    vendor,
    ...(listConcurrency ? { listConcurrency: Number(listConcurrency) } : {}),
  };
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw usage("the webdav URL has a malformed %-escape");
  }
}

function usage(message: string): FerryError {
  return new FerryError("Usage", message, { adapter: ADAPTER_NAME });
}
