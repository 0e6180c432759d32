/** Everything `webdav()` accepts. Credentials are used for authentication only and never printed. */
export interface WebdavOptions {
  /** `http(s)://host[:port]/path/` of the collection that is the location's root */
  url: string;
  username?: string;
  password?: string;
  /**
   * "auto" (default) answers whatever the server asks for (basic or digest); "digest" never
   * sends the password in a basic header; "basic" always does.
   */
  auth?: "auto" | "basic" | "digest";
  /**
   * Server flavour, for what plain WebDAV lacks. "owncloud" and "nextcloud" accept the source
   * mtime in an X-OC-Mtime header, so modification times are kept ("native"); with "other"
   * (default) the server stamps upload time and ferry declares mtime "none".
   */
  vendor?: "other" | "owncloud" | "nextcloud";
  /**
   * Upload to a temporary name and MOVE it into place (default true), so a failed upload never
   * leaves a partial file under the final name. Most servers write PUT bodies in place.
   */
  atomicUploads?: boolean;
  /** collections listed ahead of a walk (default 4) */
  listConcurrency?: number;
  /** parallel HTTP connections per adapter (default 16) */
  maxSockets?: number;
}

export const DEFAULTS = {
  listConcurrency: 4,
  maxSockets: 16,
} as const;
