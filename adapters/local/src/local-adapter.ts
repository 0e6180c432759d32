import { lstat, open, readlink, rename, rmdir, stat, unlink, lutimes, utimes } from "node:fs/promises";
import { hostname } from "node:os";
import { join, resolve } from "node:path";
import { Readable } from "node:stream";
import { pathToFileURL } from "node:url";
import {
  DEFAULT_CAPABILITIES,
  FerryError,
  type Adapter,
  type Capabilities,
  type DeleteOutcome,
  type Entry,
  type HashAlgorithm,
  type ListOptions,
  type OperationOptions,
  type ReadOptions,
  type WriteMeta,
  type WriteOptions,
  type WriteResult,
} from "@ferry/core";
import { copyFileAtomically, writeStreamAtomically, writeSymlinkAtomically, type CommitTarget, type FileAttributes } from "./atomic-write.js";
import { mapBounded } from "./bounded-map.js";
import { RootGuard, parentKey } from "./containment.js";
import { LOCAL_HASHES, hashFile, isLocalHash } from "./content-hash.js";
import type { LinkPolicy } from "./directory-reader.js";
import { directoryEntry, fileEntry, symlinkEntry } from "./entries.js";
import { ADAPTER, errnoOf, fsError, fsErrorForExisting, throwIfAborted } from "./fs-errors.js";
import { CopyFailure, copyPool, type CopyOutcome } from "./copy-pool.js";
import { isTempName, tempNameFor, sweepStaleTempFiles, sweepStaleTempFilesUnder, STALE_TEMP_MS } from "./temp-files.js";
import { walkLocal } from "./walk-offload.js";

export interface LocalOptions {
  /** the folder; relative paths resolve against the working directory */
  root: string;
  /** "follow" (default): symlinks are listed as what they point to; "copy": as symlinks */
  links?: LinkPolicy;
  /** keep permission bits on write (default false) */
  perms?: boolean;
  /** empty directories are entries (list with `dirs`), and mkdir exists (default false) */
  dirs?: boolean;
  /** fsync each file before renaming it into place (default true) */
  fsync?: boolean;
  /** special files skipped, symlink loops, dangling links… (default: process.emitWarning) */
  onWarning?: (message: string, key?: string) => void;
}

/** deletes in flight at once */
const DELETE_CONCURRENCY = 16;
const READ_BUFFER = 1024 * 1024;
const MIN_READ_BUFFER = 16 * 1024;
/** whole files up to this size are read with one read call instead of through a read stream */
const SMALL_FILE = 64 * 1024;

/** The read buffer for `bytes` (the file's size when opened): no bigger than needed, so a file that grows meanwhile still streams. */
function readBufferFor(bytes: number): number {
  return Math.min(READ_BUFFER, Math.max(MIN_READ_BUFFER, bytes + 1));
}

/** WriteMeta fields an object store keeps and a file system has no place for. */
const OBJECT_STORE_ONLY: ReadonlyArray<keyof WriteMeta> = ["cacheControl", "contentDisposition", "storageClass", "sse", "sseKmsKeyId", "acl", "accessTier"];

function nameOf(key: string): string {
  return key.slice(key.lastIndexOf("/") + 1);
}

/** A folder on this machine. */
export class LocalAdapter implements Adapter {
  readonly name = ADAPTER;
  readonly root: string;
  /** absolute path of the root */
  readonly rootPath: string;
  readonly capabilities: Capabilities;
  /** any two local folders on one host can copy in the kernel */
  readonly identity = `local:${hostname()}`;
  readonly links: LinkPolicy;
  readonly perms: boolean;
  readonly dirs: boolean;
  readonly fsync: boolean;
  /** present only with `dirs: true` */
  readonly mkdir?: (key: string, options?: OperationOptions) => Promise<void>;

  private readonly guard: RootGuard;
  private readonly warn: (message: string, key?: string) => void;
  private readonly sweptDirectories = new Set<string>();
  private readonly sweeps = new Set<Promise<unknown>>();

  constructor(options: LocalOptions) {
    if (!options.root) throw new FerryError("Usage", "a local location needs a path", { adapter: ADAPTER });
    this.rootPath = resolve(options.root);
    this.root = pathToFileURL(this.rootPath).href;
    this.links = options.links ?? "follow";
    this.perms = options.perms ?? false;
    this.dirs = options.dirs ?? false;
    this.fsync = options.fsync ?? true;
    this.warn = options.onWarning ?? ((message) => process.emitWarning(message, "FerryWarning"));
    this.guard = new RootGuard(this.rootPath);
    this.capabilities = localCapabilities({ links: this.links, perms: this.perms, dirs: this.dirs });
    if (this.dirs) this.mkdir = (key, mkdirOptions) => this.makeDirectory(key, mkdirOptions);
  }

  list(prefix = "", options: ListOptions = {}): AsyncIterable<Entry> {
    return walkLocal(prefix, {
      root: this.rootPath,
      links: this.links,
      dirs: this.dirs && options.dirs === true,
      startAfter: options.startAfter,
      signal: options.signal,
      warn: this.warn,
      concurrency: options.concurrency,
    });
  }

  async stat(key: string, options: OperationOptions = {}): Promise<Entry | undefined> {
    throwIfAborted(options.signal, "stat", key);
    const path = this.guard.pathOf(key);
    if (isTempName(nameOf(key))) return undefined;
    let stats;
    try {
      stats = this.links === "copy" ? await lstat(path) : await stat(path);
    } catch (e) {
      const errno = errnoOf(e);
      if (errno === "ENOENT" || errno === "ENOTDIR" || errno === "ELOOP") return undefined;
      throw fsError(e, "stat", key);
    }
    if (stats.isFile()) return fileEntry(key, stats);
    if (stats.isDirectory()) return directoryEntry(key, stats);
    if (stats.isSymbolicLink()) {
      try {
        return symlinkEntry(key, stats, await readlink(path));
      } catch (e) {
        if (errnoOf(e) === "ENOENT") return undefined;
        throw fsError(e, "read the symlink", key);
      }
    }
    return undefined;
  }

  async read(key: string, options: ReadOptions = {}): Promise<Readable> {
    throwIfAborted(options.signal, "read", key);
    const path = this.guard.pathOf(key);
    if (isTempName(nameOf(key))) throw new FerryError("NotFound", `no such file: ${JSON.stringify(key)}`, { adapter: ADAPTER, key });
    let handle;
    let size: number;
    let regular: boolean;
    try {
      handle = await open(path, "r");
      const stats = await handle.stat();
      if (stats.isDirectory()) throw Object.assign(new Error("is a directory"), { code: "EISDIR" });
      size = stats.size;
      regular = stats.isFile();
    } catch (e) {
      await handle?.close();
      throw fsErrorForExisting(e, "read", key);
    }
    const range = options.range;
    if (!range && regular && size <= SMALL_FILE) {
      // one read of size + 1 bytes that returns exactly `size` has reached the end: the file is
      // sent from memory, saving the read stream's second (empty) read and its plumbing (regular
      // files only: the read is positional, which pipes and devices do not support)
      const buffer = Buffer.allocUnsafe(size + 1);
      let bytesRead: number;
      try {
        ({ bytesRead } = await handle.read(buffer, 0, size + 1, 0));
      } catch (e) {
        await handle.close();
        throw fsErrorForExisting(e, "read", key);
      }
      if (bytesRead === size) {
        await handle.close();
        return this.readable(buffer.subarray(0, size), size, key, options.signal);
      }
      // the file changed size since the fstat: stream it as usual
    }
    const stream = handle.createReadStream({
      // a read stream allocates a whole highWaterMark buffer per read, whatever the file's size:
      // 1 MiB for every small file made 2,000 × 4 KiB uploads spend a third of their CPU in GC
      highWaterMark: readBufferFor(range ? (range.end ?? size - 1) - range.start + 1 : size),
      ...(range ? { start: range.start, ...(range.end !== undefined ? { end: range.end } : {}) } : {}),
    });
    const signal = options.signal;
    if (signal) {
      const onAbort = () => stream.destroy(new FerryError("Aborted", "the read was aborted", { adapter: ADAPTER, key }));
      signal.addEventListener("abort", onAbort, { once: true });
      stream.once("close", () => signal.removeEventListener("abort", onAbort));
    }
    return stream;
  }

  /** A stream of `data` that, like a file's read stream, can be destroyed by the read's signal. */
  private readable(data: Buffer, size: number, key: string, signal: AbortSignal | undefined): Readable {
    const stream = new Readable({ highWaterMark: readBufferFor(size), read() {} });
    if (data.length > 0) stream.push(data);
    stream.push(null);
    if (signal) {
      const onAbort = () => stream.destroy(new FerryError("Aborted", "the read was aborted", { adapter: ADAPTER, key }));
      signal.addEventListener("abort", onAbort, { once: true });
      stream.once("close", () => signal.removeEventListener("abort", onAbort));
    }
    return stream;
  }

  async write(key: string, body: Readable, meta: WriteMeta, options: WriteOptions = {}): Promise<WriteResult> {
    try {
      this.guard.fileKey(key);
      if (meta.symlinkTarget !== undefined && !this.capabilities.symlinks) this.refuse("symlinkTarget", key);
      throwIfAborted(options.signal, "write", key);
      const attributes = this.attributes(meta);
      if (meta.symlinkTarget !== undefined) {
        body.destroy();
        const target = await this.commitTarget(key);
        await writeSymlinkAtomically(target, meta.symlinkTarget, attributes);
        return { size: Buffer.byteLength(meta.symlinkTarget), ...(meta.mtime !== undefined ? { mtime: meta.mtime } : {}) };
      }
      const streamOptions = { ...options, ...(meta.size !== undefined ? { expectedSize: meta.size } : {}) };
      let target = await this.commitTarget(key);
      let size: number;
      try {
        size = await writeStreamAtomically(target, body, attributes, streamOptions);
      } catch (e) {
        // the directory was pruned by a concurrent delete after it was checked: make it again
        if (errnoOf(e) !== "ENOENT" || body.readableDidRead) throw e;
        this.guard.forget(parentKey(key));
        target = await this.commitTarget(key);
        size = await writeStreamAtomically(target, body, attributes, streamOptions);
      }
      return { size, ...(meta.mtime !== undefined ? { mtime: meta.mtime } : {}) };
    } catch (e) {
      body.destroy();
      throw fsError(e, "write", key);
    }
  }

  async delete(keys: readonly string[], options: OperationOptions = {}): Promise<DeleteOutcome[]> {
    return mapBounded(keys, DELETE_CONCURRENCY, async (key): Promise<DeleteOutcome> => {
      try {
        throwIfAborted(options.signal, "delete", key);
        await this.deleteOne(key);
        return { key };
      } catch (e) {
        return { key, error: fsError(e, "delete", key) };
      }
    });
  }

  async copy(source: Adapter, sourceKey: string, key: string, meta: WriteMeta, options: WriteOptions = {}): Promise<WriteResult> {
    try {
      if (!(source instanceof LocalAdapter)) {
        throw new FerryError("Unsupported", `the local adapter copies server-side only from local folders, not from ${source.name}`, { adapter: ADAPTER, key });
      }
      this.guard.fileKey(key);
      throwIfAborted(options.signal, "copy", key);
      const sourcePath = source.guard.pathOf(sourceKey);
      const target = await this.commitTarget(key);
      let outcome: CopyOutcome;
      try {
        outcome = await copyPool().copy({
          source: sourcePath,
          noFollow: source.links === "copy",
          temp: join(target.directory, tempNameFor(target.name)),
          final: join(target.directory, target.name),
          ...(meta.mtime !== undefined ? { mtime: meta.mtime } : {}),
          ...(this.perms && meta.mode !== undefined ? { mode: meta.mode & 0o7777 } : {}),
          fsync: this.fsync,
        }, options.onCommitWait);
      } catch (e) {
        if (e instanceof CopyFailure && e.side === "source") throw fsErrorForExisting(e, "copy", sourceKey);
        throw e;
      }
      if (outcome.kind === "symlink") return await this.copySymlink(sourcePath, key, target, meta);
      if (outcome.kind === "not-a-file") throw new FerryError("NotFound", `cannot copy ${JSON.stringify(sourceKey)}: not a file`, { adapter: ADAPTER, key: sourceKey });
      options.onProgress?.(outcome.size);
      return { size: outcome.size, mtime: outcome.mtime };
    } catch (e) {
      throw fsError(e, "copy", key);
    }
  }

  /** A symlink copied as a symlink (links: "copy"): its target text, not what it points to. */
  private async copySymlink(sourcePath: string, key: string, target: CommitTarget, meta: WriteMeta): Promise<WriteResult> {
    const stats = await lstat(sourcePath);
    if (!this.capabilities.symlinks) this.refuse("symlinkTarget", key);
    const attributes = this.attributes({ ...meta, mtime: meta.mtime ?? stats.mtimeMs, mode: meta.mode ?? stats.mode });
    await writeSymlinkAtomically(target, await readlink(sourcePath), attributes);
    return { size: stats.size, mtime: attributes.mtime };
  }

  async move(fromKey: string, toKey: string, options: OperationOptions = {}): Promise<void> {
    try {
      throwIfAborted(options.signal, "move", fromKey);
      const fromPath = this.guard.pathOf(fromKey);
      this.guard.fileKey(toKey);
      if (!(await this.guard.existingParentInside(fromKey))) {
        throw new FerryError("NotFound", `cannot move ${JSON.stringify(fromKey)}: no such file`, { adapter: ADAPTER, key: fromKey });
      }
      const target = await this.commitTarget(toKey);
      const toPath = join(target.directory, target.name);
      if (toPath === fromPath) return;
      try {
        await rename(fromPath, toPath);
      } catch (e) {
        const errno = errnoOf(e);
        if (errno === "ENOENT" || errno === "ENOTDIR") throw fsErrorForExisting(e, "move", fromKey);
        if (errno !== "EXDEV") throw e;
        await this.moveAcrossDevices(fromPath, target);
      }
      await this.pruneEmptyParents(parentKey(fromKey));
    } catch (e) {
      throw fsError(e, "move", fromKey);
    }
  }

  async setMtime(key: string, mtime: number, options: OperationOptions = {}): Promise<void> {
    throwIfAborted(options.signal, "set the mtime of", key);
    const path = this.guard.pathOf(key);
    try {
      if (!(await this.guard.existingParentInside(key))) throw Object.assign(new Error("missing parent"), { code: "ENOENT" });
      const seconds = mtime / 1000;
      if (this.links === "copy") await lutimes(path, seconds, seconds);
      else await utimes(path, seconds, seconds);
    } catch (e) {
      throw fsErrorForExisting(e, "set the mtime of", key);
    }
  }

  async hash(key: string, algorithm: HashAlgorithm, options: OperationOptions = {}): Promise<string> {
    if (!isLocalHash(algorithm)) throw new FerryError("Unsupported", `the local adapter does not compute ${algorithm}`, { adapter: ADAPTER, key });
    throwIfAborted(options.signal, "hash", key);
    const path = this.guard.pathOf(key);
    try {
      return await hashFile(path, algorithm, options.signal);
    } catch (e) {
      throw fsErrorForExisting(e, "hash", key);
    }
  }

  checkWriteMeta(meta: WriteMeta): void {
    for (const name of OBJECT_STORE_ONLY) if (meta[name] !== undefined) this.refuse(name);
    if (meta.metadata !== undefined && Object.keys(meta.metadata).length > 0) this.refuse("metadata");
    if (meta.symlinkTarget !== undefined && !this.capabilities.symlinks) this.refuse("symlinkTarget");
  }

  async probe(): Promise<{ exists: boolean }> {
    let stats;
    try {
      stats = await stat(this.rootPath);
    } catch (e) {
      if (errnoOf(e) === "ENOENT") return { exists: false };
      throw fsError(e, "open the folder");
    }
    if (!stats.isDirectory()) {
      throw new FerryError("Usage", `${this.rootPath} is a file, not a folder`, { adapter: ADAPTER, hint: "give the folder that should hold the files" });
    }
    return { exists: true };
  }

  /**
   * Removes crash leftovers (temp files untouched for `olderThanMs`, default one hour) from
   * the whole tree; returns how many. Writes already sweep each directory they touch.
   */
  async cleanupTempFiles(options: { olderThanMs?: number } = {}): Promise<number> {
    return sweepStaleTempFilesUnder(this.rootPath, options.olderThanMs ?? STALE_TEMP_MS);
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.sweeps]);
  }

  private refuse(option: string, key?: string): never {
    const why = option === "symlinkTarget" ? ' (symlinks are written only with links: "copy", --links)' : "";
    throw new FerryError("Unsupported", `the local adapter cannot keep ${option}${why}`, { adapter: ADAPTER, key });
  }

  /** contentType is derived from the extension on a file system, so it is accepted and not stored. */
  private attributes(meta: WriteMeta): FileAttributes {
    return {
      fsync: this.fsync,
      ...(meta.mtime !== undefined ? { mtime: meta.mtime } : {}),
      ...(this.perms && meta.mode !== undefined ? { mode: meta.mode & 0o7777 } : {}),
    };
  }

  /** The checked (and created) parent directory of a key about to be written. */
  private async commitTarget(key: string): Promise<CommitTarget> {
    const directory = await this.guard.ensureDirectory(parentKey(key), key);
    this.sweepOnce(directory);
    return { directory, name: nameOf(key) };
  }

  /** The first write into a directory clears that directory's stale temp files, in the background. */
  private sweepOnce(directory: string): void {
    if (this.sweptDirectories.has(directory)) return;
    this.sweptDirectories.add(directory);
    const sweep = sweepStaleTempFiles(directory).finally(() => this.sweeps.delete(sweep));
    this.sweeps.add(sweep);
  }

  private async deleteOne(key: string): Promise<void> {
    const path = this.guard.pathOf(key);
    if (!(await this.guard.existingParentInside(key))) return;
    try {
      await unlink(path);
    } catch (e) {
      const errno = errnoOf(e);
      if (errno === "ENOENT" || errno === "ENOTDIR") return;
      const isDirectory = errno === "EISDIR" || (errno === "EPERM" && (await lstat(path).catch(() => undefined))?.isDirectory());
      if (!isDirectory) throw e;
      // an empty-directory entry: remove it only while it is still empty (a directory that
      // gained files is no longer what the entry described)
      try {
        await rmdir(path);
        this.guard.forget(key.replace(/\/$/, ""));
      } catch (e2) {
        const errno2 = errnoOf(e2);
        if (errno2 === "ENOTEMPTY" || errno2 === "EEXIST" || errno2 === "ENOENT") return;
        throw e2;
      }
    }
    await this.pruneEmptyParents(parentKey(key));
  }

  /**
   * Without `dirs`, directories are not entries but a side effect of keys (as in an object
   * store), so one left empty by a delete or move is removed, up to but never including the
   * root, and only while it is a real directory (never through a symlink).
   */
  private async pruneEmptyParents(dirKey: string): Promise<void> {
    if (this.dirs) return;
    for (let k = dirKey; k !== ""; k = parentKey(k)) {
      if (!(await this.guard.isPlainDirectory(k))) return;
      try {
        await rmdir(this.guard.pathOf(k));
      } catch {
        return;
      }
      this.guard.forget(k);
    }
  }

  private async moveAcrossDevices(fromPath: string, target: CommitTarget): Promise<void> {
    const stats = await lstat(fromPath);
    const attributes = this.attributes({ mtime: stats.mtimeMs, mode: stats.mode });
    if (stats.isSymbolicLink()) await writeSymlinkAtomically(target, await readlink(fromPath), attributes);
    else await copyFileAtomically(fromPath, target, attributes);
    await unlink(fromPath);
  }

  private async makeDirectory(key: string, options: OperationOptions = {}): Promise<void> {
    throwIfAborted(options.signal, "create the directory", key);
    const dirKey = key.replace(/\/$/, "");
    this.guard.pathOf(dirKey);
    try {
      await this.guard.ensureDirectory(dirKey, key);
    } catch (e) {
      throw fsError(e, "create the directory", key);
    }
  }
}

export function local(options: LocalOptions): Adapter {
  return new LocalAdapter(options);
}

/** What a local folder can do with the given options (exported for `ferry adapters`). */
export function localCapabilities(options: Pick<LocalOptions, "links" | "perms" | "dirs"> = {}): Capabilities {
  return {
    ...DEFAULT_CAPABILITIES,
    mtime: "native",
    mtimePrecision: 1,
    mtimeInList: true,
    hashes: LOCAL_HASHES,
    etag: null,
    serverSideCopy: true,
    serverSideMove: true,
    rangeReads: true,
    atomicWrites: true,
    emptyDirectories: options.dirs ?? false,
    caseSensitive: process.platform !== "darwin" && process.platform !== "win32",
    symlinks: options.links === "copy",
    permissions: options.perms ?? false,
  };
}
