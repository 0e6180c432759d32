import { randomBytes } from "node:crypto";
import posix from "node:path/posix";

/**
 * Where keys live on the server. The root is used as given: absolute, or relative to the login
 * directory (SFTP servers resolve relative paths there), "." being the login directory itself.
 */
export class RemotePaths {
  readonly root: string;

  constructor(root: string) {
    const trimmed = root.length > 1 ? root.replace(/\/+$/, "") : root;
    this.root = trimmed === "" ? "." : trimmed;
  }

  /** The server path of a key, or of a directory key ending in "/" ("" is the root). */
  of(key: string): string {
    const rel = key.endsWith("/") ? key.slice(0, -1) : key;
    if (rel === "") return this.root;
    return this.root === "/" ? `/${rel}` : `${this.root}/${rel}`;
  }

  parent(path: string): string {
    return posix.dirname(path);
  }

  /** A temporary sibling for an atomic write (fixed length, so long names still fit). */
  temporaryIn(dir: string): string {
    return `${dir}/${TEMP_PREFIX}${randomBytes(6).toString("hex")}${TEMP_SUFFIX}`;
  }
}

const TEMP_PREFIX = ".ferry-";
const TEMP_SUFFIX = ".tmp";
const TEMP_NAME = /^\.ferry-[0-9a-f]{12}\.tmp$/;

/** Temporary names of writes in progress (or of crashed ones) are not part of the location. */
export function isTemporaryName(name: string): boolean {
  return TEMP_NAME.test(name);
}
