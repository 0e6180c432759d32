import { lstat, mkdir, realpath, stat } from "node:fs/promises";
import { join, sep } from "node:path";
import { FerryError, validateKey } from "@ferry/core";
import { ADAPTER, errnoOf, fsError } from "./fs-errors.js";
import { isTempName } from "./temp-files.js";

/** The parent key of `key` ("" at the top level). */
export function parentKey(key: string): string {
  const slash = key.lastIndexOf("/");
  return slash === -1 ? "" : key.slice(0, slash);
}

/**
 * Maps keys to paths under the root and keeps every change inside it. Keys are validated
 * (no "..", no absolute paths) and joined lexically; before anything is created, written,
 * renamed or removed, the real path of the parent directory must lie inside the real root,
 * so a symlinked directory that leads out of the root is never written through.
 *
 * Parent directories already checked (or created) are remembered for the adapter's life: a
 * directory replaced by an escaping symlink during a run is the one race this accepts.
 */
export class RootGuard {
  private realRootPromise: Promise<string> | undefined;
  private readonly checkedParents = new Set<string>();
  private readonly plainDirectories = new Map<string, boolean>();
  /** ensureDirectory calls under way: the many writes into one new directory share one check */
  private readonly ensuring = new Map<string, Promise<string>>();

  constructor(readonly root: string) {}

  /** Absolute path of a key; lexical containment only (what reads need). */
  pathOf(key: string): string {
    validateKey(key, ADAPTER);
    const relative = key.endsWith("/") ? key.slice(0, -1) : key;
    const path = join(this.root, ...relative.split("/"));
    if (path !== this.root && !path.startsWith(this.root.endsWith(sep) ? this.root : this.root + sep)) {
      throw new FerryError("InvalidKey", `invalid key ${JSON.stringify(key)}: resolves outside the root`, { adapter: ADAPTER, key });
    }
    return path;
  }

  /** Validates a key that is about to become a file: no directory marker, no reserved temp name. */
  fileKey(key: string): string {
    validateKey(key, ADAPTER);
    if (key.endsWith("/")) throw new FerryError("InvalidKey", `invalid key ${JSON.stringify(key)}: a directory marker cannot be written as a file`, { adapter: ADAPTER, key });
    const name = key.slice(key.lastIndexOf("/") + 1);
    if (isTempName(name)) throw new FerryError("InvalidKey", `invalid key ${JSON.stringify(key)}: the name is reserved for ferry's temporary files`, { adapter: ADAPTER, key });
    return key;
  }

  private realRoot(): Promise<string> {
    this.realRootPromise ??= (async () => {
      try {
        return await realpath(this.root);
      } catch (e) {
        if (errnoOf(e) !== "ENOENT") throw fsError(e, "open the root");
        // a destination that does not exist yet is created on first write
        await mkdir(this.root, { recursive: true }).catch((err: unknown) => {
          throw fsError(err, "create the root");
        });
        return await realpath(this.root);
      }
    })();
    this.realRootPromise.catch(() => {
      this.realRootPromise = undefined;
    });
    return this.realRootPromise;
  }

  private async assertInside(realPath: string, key: string): Promise<void> {
    const realRoot = await this.realRoot();
    if (realPath !== realRoot && !realPath.startsWith(realRoot.endsWith(sep) ? realRoot : realRoot + sep)) {
      throw new FerryError("InvalidKey", `refusing to write ${JSON.stringify(key)}: a symbolic link in its path leads outside the root`, {
        adapter: ADAPTER,
        key,
      });
    }
  }

  /**
   * Makes sure the directory `dirKey` ("" = root) exists inside the root, creating what is
   * missing, and returns its path. A file where a directory is needed is a Conflict.
   */
  async ensureDirectory(dirKey: string, forKey: string): Promise<string> {
    if (dirKey === "") {
      await this.realRoot();
      return this.root;
    }
    const path = this.pathOf(dirKey);
    if (this.checkedParents.has(dirKey)) return path;
    const underWay = this.ensuring.get(dirKey);
    if (underWay) {
      // a failure is not shared: this key tries on its own, so its error names it
      const shared = await underWay.then(
        (p) => p,
        () => undefined,
      );
      if (shared !== undefined) return shared;
    }
    const attempt = this.createDirectory(dirKey, path, forKey);
    this.ensuring.set(dirKey, attempt);
    try {
      return await attempt;
    } finally {
      if (this.ensuring.get(dirKey) === attempt) this.ensuring.delete(dirKey);
    }
  }

  private async createDirectory(dirKey: string, path: string, forKey: string): Promise<string> {
    // find the deepest directory that exists, check it, then create the rest below it
    let existing = dirKey;
    for (;;) {
      const existingPath = existing === "" ? this.root : this.pathOf(existing);
      let real: string | undefined;
      try {
        real = await realpath(existingPath);
      } catch (e) {
        const errno = errnoOf(e);
        if (errno === "ENOTDIR") throw this.fileInTheWay(forKey, existing);
        if (errno !== "ENOENT") throw fsError(e, "write", forKey);
      }
      if (real !== undefined) {
        await this.assertInside(real, forKey);
        const stats = await stat(real).catch((e: unknown) => {
          throw fsError(e, "write", forKey);
        });
        if (!stats.isDirectory()) throw this.fileInTheWay(forKey, existing);
        break;
      }
      if (existing === "") {
        await this.realRoot();
        break;
      }
      existing = parentKey(existing);
    }
    if (existing !== dirKey) {
      try {
        await mkdir(path, { recursive: true });
      } catch (e) {
        const errno = errnoOf(e);
        if (errno === "ENOTDIR" || errno === "EEXIST") throw this.fileInTheWay(forKey, dirKey);
        throw fsError(e, "create the parent directory of", forKey);
      }
    }
    // only what was checked or created: an ancestor above `existing` may itself be a link out
    for (let k = dirKey; k !== ""; k = parentKey(k)) {
      this.checkedParents.add(k);
      if (k === existing) break;
    }
    return path;
  }

  /**
   * For changes to something that may already exist (delete, rename away, set mtime): the
   * parent must resolve inside the root. Returns false when the parent does not exist.
   */
  async existingParentInside(key: string): Promise<boolean> {
    const dirKey = parentKey(key);
    if (dirKey === "" || this.checkedParents.has(dirKey)) return true;
    let real: string;
    try {
      real = await realpath(this.pathOf(dirKey));
    } catch (e) {
      const errno = errnoOf(e);
      if (errno === "ENOENT" || errno === "ENOTDIR") return false;
      throw fsError(e, "resolve the parent of", key);
    }
    await this.assertInside(real, key);
    this.checkedParents.add(dirKey);
    return true;
  }

  /** Called when a directory was removed (or found missing) so it is checked again next time. */
  forget(dirKey: string): void {
    this.checkedParents.delete(dirKey);
    this.plainDirectories.delete(dirKey);
  }

  /**
   * True when every component from the root down to `dirKey` is a real directory, no
   * symlink: only such directories are removed when they become empty, so pruning can never
   * reach the root or anything outside it through a link.
   */
  async isPlainDirectory(dirKey: string): Promise<boolean> {
    if (dirKey === "") return false;
    const known = this.plainDirectories.get(dirKey);
    if (known !== undefined) return known;
    const parent = parentKey(dirKey);
    let plain = parent === "" || (await this.isPlainDirectory(parent));
    if (plain) {
      try {
        plain = (await lstat(this.pathOf(dirKey))).isDirectory();
      } catch {
        plain = false;
      }
    }
    // only positive answers are kept: a missing directory may appear later
    if (plain) this.plainDirectories.set(dirKey, true);
    return plain;
  }

  private fileInTheWay(key: string, dirKey: string): FerryError {
    return new FerryError("Conflict", `cannot write ${JSON.stringify(key)}: ${JSON.stringify(dirKey)} (or a parent) is a file where a directory is needed`, {
      adapter: ADAPTER,
      key,
    });
  }
}
