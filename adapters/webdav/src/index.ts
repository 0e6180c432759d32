import type { AdapterFromUrl } from "@ferry/core";
import { webdavOptionsFromUrl } from "./location-url.js";
import type { WebdavOptions } from "./options.js";
import { WebdavAdapter } from "./webdav-adapter.js";

export { WebdavAdapter, webdavCapabilities } from "./webdav-adapter.js";
import { webdavCapabilities } from "./webdav-adapter.js";
/** capabilities of a plain WebDAV server (vendor "owncloud"/"nextcloud" keep mtimes) */
export const capabilities = webdavCapabilities("https://server");
export type { WebdavOptions } from "./options.js";
export { webdavOptionsFromUrl } from "./location-url.js";

/** A WebDAV location: `webdav({ url: "https://dav.example.org/files/", username, password })`. */
export function webdav(options: WebdavOptions): WebdavAdapter {
  return new WebdavAdapter(options);
}

/** Opens `webdav://host[:port]/path` (http) and `webdavs://…` (https) for the SDK and CLI. */
export const fromUrl: AdapterFromUrl = (url, context) => new WebdavAdapter(webdavOptionsFromUrl(url, context));
