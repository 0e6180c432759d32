import { createHash } from "node:crypto";
import posix from "node:path/posix";
import type { Readable } from "node:stream";
import type { Stats } from "ssh2";
import {
  DEFAULT_CAPABILITIES,
  FerryError,
  keyProblem,
  validateKey,
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
import { openConnection, type SftpConnection } from "./connection.js";
import { ConnectionPool } from "./connection-pool.js";
import { loadCredentials, type Credentials } from "./credentials.js";
import { ADAPTER_NAME, toSftpError } from "./errors.js";
import { HostKeyPolicy } from "./host-key-policy.js";
import { DEFAULTS, type SftpOptions } from "./options.js";
import { hashOnServer, REMOTE_HASHES } from "./remote-hash.js";
import { isTemporaryName, RemotePaths } from "./remote-paths.js";
import { SftpCalls } from "./sftp-calls.js";
import { sortedWalk, type WalkChild } from "@ferry/core";
import { readToStream, writeFromStream, type TransferTuning } from "./transfer.js";

const NO_SUCH_FILE = 2;

/** Write attributes a file system has no place for. contentType is accepted and not kept (files have none). */
const UNKEPT: ReadonlyArray<keyof WriteMeta> = ["cacheControl", "contentDisposition", "storageClass", "sse", "sseKmsKeyId", "acl", "accessTier"];

/** Remembered existing directories; cleared when it grows past this, so memory stays bounded. */
const KNOWN_DIRS_LIMIT = 10_000;

function codeOf(e: unknown): unknown {
  return (e as { code?: unknown } | null)?.code;
}

/**
 * An SFTP server directory as a ferry location. Writes go to a temporary sibling and are renamed
 * into place (posix-rename@openssh.com replaces atomically), so a failed transfer never leaves
 * a partial file under the final name.
 */
export class SftpAdapter implements Adapter {
  readonly name = ADAPTER_NAME;
  readonly root: string;
  readonly identity: string;
  readonly capabilities: Capabilities;

  private readonly paths: RemotePaths;
  private readonly pool: ConnectionPool;
  private readonly links: "follow" | "copy";
  private readonly tuning: TransferTuning;
  private readonly listConcurrency: number;
  private readonly fsync: boolean;
  private readonly knownDirs = new Set<string>();
  /** `dirs`: directories emptied by a delete or move stay */
  private readonly keepEmptyDirectories: boolean;
  private readonly creatingDirs = new Map<string, Promise<void>>();
  private remoteHash: boolean;

  constructor(options: SftpOptions) {
    this.keepEmptyDirectories = options.dirs ?? false;
    if (!options.host) throw new FerryError("Usage", "sftp: a host is required", { adapter: ADAPTER_NAME });
    if (!options.username) throw new FerryError("Usage", "sftp: a user name is required (sftp://user@host/path)", { adapter: ADAPTER_NAME });
    const port = options.port ?? DEFAULTS.port;
    this.paths = new RemotePaths(options.root ?? ".");
    const rootPath = this.paths.root === "." ? "/~" : this.paths.root.startsWith("/") ? this.paths.root : `/~/${this.paths.root}`;
    const hostPart = port === DEFAULTS.port ? options.host : `${options.host}:${port}`;
    this.root = `sftp://${encodeURIComponent(options.username)}@${hostPart}${rootPath.split("/").map(encodeURIComponent).join("/")}`;
    this.identity = `sftp:${options.username}@${options.host}:${port}`;
    this.links = options.links ?? "follow";
    this.tuning = {
      chunkSize: options.chunkSize ?? DEFAULTS.chunkSize,
      concurrency: options.transferConcurrency ?? DEFAULTS.transferConcurrency,
    };
    this.listConcurrency = options.listConcurrency ?? DEFAULTS.listConcurrency;
    this.fsync = options.fsync ?? true;
    this.remoteHash = options.remoteHash ?? true;
    this.capabilities = sftpCapabilities({ links: this.links, remoteHash: this.remoteHash });

    const hostKeys = new HostKeyPolicy(options.host, port, { knownHostsFile: options.knownHostsFile, insecure: options.insecureHostKey });
    let credentials: Credentials | undefined;
    this.pool = new ConnectionPool((signal) => {
      // read key files on first use, so building an adapter never touches the disk
      credentials ??= loadCredentials(options);
      return openConnection(
        { host: options.host, port, username: options.username, credentials, hostKeys, readyTimeout: options.readyTimeout ?? DEFAULTS.readyTimeout },
        signal,
      );
    }, Math.max(1, options.connections ?? DEFAULTS.connections));
  }

  // ---- listing -------------------------------------------------------------------------

  async *list(prefix = "", options: ListOptions = {}): AsyncIterable<Entry> {
    if (prefix && keyProblem(prefix)) validateKey(prefix, ADAPTER_NAME);
    yield* sortedWalk({
      listDirectory: (dirKey, signal) => this.listDirectory(dirKey, signal),
      prefix,
      startAfter: options.startAfter,
      dirs: options.dirs,
      prefetch: options.concurrency ?? this.listConcurrency,
      rootIdentity: this.paths.root,
      signal: options.signal,
    });
  }

  private listDirectory(dirKey: string, signal?: AbortSignal): Promise<WalkChild[] | undefined> {
    const dirPath = this.paths.of(dirKey);
    return this.withCalls(signal, { key: dirKey || undefined, operation: "list" }, async (calls) => {
      let items;
      try {
        items = await calls.readdir(dirPath);
      } catch (e) {
        if (codeOf(e) === NO_SUCH_FILE) return undefined;
        // a prefix naming a file ("file.txt/") lists nothing
        const st = await calls.lstat(dirPath).catch(() => undefined);
        if (!st || !st.isDirectory()) return undefined;
        throw e;
      }
      const children = await Promise.all(
        items.map(async ({ filename, attrs }): Promise<WalkChild | undefined> => {
          if (filename === "." || filename === ".." || isTemporaryName(filename)) return undefined;
          const st = attrs as Stats;
          if (st.isSymbolicLink()) return this.symlinkChild(calls, `${dirPath}/${filename}`, filename, st);
          if (st.isDirectory()) return { name: filename, isDir: true, entry: (key) => dirEntry(key, st) };
          if (st.isFile()) return { name: filename, isDir: false, entry: (key) => fileEntry(key, st) };
          return undefined; // sockets, fifos, devices cannot be synced
        }),
      );
      return children.filter((c): c is WalkChild => c !== undefined);
    });
  }

  private async symlinkChild(calls: SftpCalls, path: string, name: string, link: Stats): Promise<WalkChild | undefined> {
    if (this.links === "copy") {
      const target = await calls.readlink(path);
      return { name, isDir: false, entry: (key) => symlinkEntry(key, link, target) };
    }
    const st = await calls.stat(path).catch(() => undefined);
    if (!st) return undefined; // dangling
    if (st.isDirectory()) {
      const identity = await calls.realpath(path);
      return { name, isDir: true, identity, entry: (key) => dirEntry(key, st) };
    }
    return st.isFile() ? { name, isDir: false, entry: (key) => fileEntry(key, st) } : undefined;
  }

  async stat(key: string, options: OperationOptions = {}): Promise<Entry | undefined> {
    validateKey(key, ADAPTER_NAME);
    const path = this.paths.of(key);
    return this.withCalls(options.signal, { key, operation: "stat" }, async (calls) => {
      let st: Stats;
      try {
        st = this.links === "copy" ? await calls.lstat(path) : await calls.stat(path);
      } catch (e) {
        if (codeOf(e) === NO_SUCH_FILE) return undefined;
        throw e;
      }
      if (st.isSymbolicLink()) return symlinkEntry(key, st, await calls.readlink(path));
      if (st.isDirectory()) return dirEntry(key, st);
      return st.isFile() ? fileEntry(key, st) : undefined;
    });
  }

  async probe(options: OperationOptions = {}): Promise<{ exists: boolean }> {
    return this.withCalls(options.signal, { operation: "probe" }, async (calls) => {
      try {
        const st = await calls.stat(this.paths.root);
        if (!st.isDirectory()) throw new FerryError("Usage", `${this.root} is not a directory`, { adapter: ADAPTER_NAME });
        return { exists: true };
      } catch (e) {
        if (codeOf(e) === NO_SUCH_FILE) return { exists: false };
        throw e;
      }
    });
  }

  // ---- reading -------------------------------------------------------------------------

  async read(key: string, options: ReadOptions = {}): Promise<Readable> {
    validateKey(key, ADAPTER_NAME);
    const { signal, range } = options;
    signal?.throwIfAborted();
    const path = this.paths.of(key);
    const lease = await this.pool.lease(signal).catch((e) => {
      throw toSftpError(e, { key, operation: "read" });
    });
    const calls = new SftpCalls(lease.connection.sftp);
    let handle: Buffer | undefined;
    try {
      handle = await calls.open(path, "r");
      const st = await calls.fstat(handle);
      if (st.isDirectory()) throw new FerryError("NotFound", `read ${key}: a directory, not a file`, { adapter: ADAPTER_NAME, key });
      const start = range?.start ?? 0;
      const end = Math.max(start, range?.end === undefined ? st.size : Math.min(range.end + 1, st.size));
      const opened = handle;
      const stream = readToStream(
        calls,
        opened,
        { start, end },
        this.tuning,
        async () => {
          signal?.removeEventListener("abort", onAbort);
          await calls.close(opened).catch(() => undefined);
          lease.release();
        },
        (e) => toSftpError(e, { key, operation: "read" }),
      );
      const onAbort = () => stream.destroy(new FerryError("Aborted", `read ${key}: aborted`, { adapter: ADAPTER_NAME, key }));
      signal?.addEventListener("abort", onAbort, { once: true });
      return stream;
    } catch (e) {
      if (handle) await calls.close(handle).catch(() => undefined);
      lease.release();
      throw toSftpError(e, { key, operation: "read" });
    }
  }

  async hash(key: string, algorithm: HashAlgorithm, options: OperationOptions = {}): Promise<string> {
    validateKey(key, ADAPTER_NAME);
    if (algorithm === "crc32c") throw new FerryError("Unsupported", "sftp cannot compute crc32c", { adapter: ADAPTER_NAME, key });
    if (this.remoteHash) {
      const outcome = await this.pool
        .use((connection) => hashOnServer(connection, this.paths.of(key), algorithm, options.signal), options.signal)
        .catch((e) => {
          throw toSftpError(e, { key, operation: "hash" });
        });
      if (outcome.ok) return outcome.digest;
      // no shell here (sftp-only account, no coreutils): stop asking, hash by reading instead
      if (!outcome.shell) this.remoteHash = false;
    }
    const digest = createHash(algorithm);
    for await (const chunk of await this.read(key, options)) digest.update(chunk as Buffer);
    return digest.digest("hex");
  }

  // ---- writing -------------------------------------------------------------------------

  checkWriteMeta(meta: WriteMeta): void {
    for (const name of UNKEPT) {
      if (meta[name] !== undefined) throw new FerryError("Unsupported", `sftp cannot keep ${name}`, { adapter: ADAPTER_NAME });
    }
    if (meta.symlinkTarget !== undefined && this.links !== "copy") {
      throw new FerryError("Unsupported", "sftp writes symlinks only with --links (links: \"copy\")", { adapter: ADAPTER_NAME });
    }
    if (meta.metadata && Object.keys(meta.metadata).length > 0) {
      throw new FerryError("Unsupported", "sftp cannot keep user metadata", { adapter: ADAPTER_NAME });
    }
  }

  async write(key: string, body: Readable, meta: WriteMeta, options: WriteOptions = {}): Promise<WriteResult> {
    const { signal } = options;
    try {
      validateKey(key, ADAPTER_NAME);
      this.checkWriteMeta(meta);
      signal?.throwIfAborted();
    } catch (e) {
      body.destroy();
      throw toSftpError(e, { key, operation: "write" });
    }
    const path = this.paths.of(key);
    const dir = this.paths.parent(path);
    const onAbort = () => body.destroy(signal?.reason instanceof Error ? signal.reason : new Error("aborted"));
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      return await this.pool.use(async (connection) => {
        const calls = new SftpCalls(connection.sftp);
        await this.ensureDir(calls, dir);
        const temp = this.paths.temporaryIn(dir);
        if (meta.symlinkTarget !== undefined) {
          body.destroy();
          await calls.symlink(meta.symlinkTarget, temp);
          await this.commit(calls, temp, path);
          return { size: 0 };
        }
        return await this.writeFile(calls, temp, path, body, meta, options);
      }, signal);
    } catch (e) {
      body.destroy();
      if (signal?.aborted) throw new FerryError("Aborted", `write ${key}: aborted`, { adapter: ADAPTER_NAME, key, cause: e });
      throw toSftpError(e, { key, operation: "write" });
    } finally {
      signal?.removeEventListener("abort", onAbort);
    }
  }

  private async writeFile(calls: SftpCalls, temp: string, path: string, body: Readable, meta: WriteMeta, options: WriteOptions): Promise<WriteResult> {
    const handle = await this.openForWrite(calls, temp);
    let open = true;
    try {
      const size = await writeFromStream(calls, handle, body, this.tuning, options.onProgress, options.signal);
      if (this.fsync) await calls.fsync(handle);
      if (meta.mode !== undefined) await calls.fchmod(handle, meta.mode & 0o7777);
      const seconds = meta.mtime === undefined ? undefined : Math.floor(meta.mtime / 1000);
      if (seconds !== undefined) await calls.futimes(handle, seconds);
      open = false;
      await calls.close(handle);
      await this.commit(calls, temp, path);
      return { size, ...(seconds !== undefined ? { mtime: seconds * 1000 } : {}) };
    } catch (e) {
      if (open) await calls.close(handle).catch(() => undefined);
      await calls.unlink(temp).catch(() => undefined);
      throw e;
    }
  }

  /** Opens a new file; a directory that vanished since it was remembered is made again. */
  private async openForWrite(calls: SftpCalls, temp: string): Promise<Buffer> {
    try {
      return await calls.open(temp, "w");
    } catch (e) {
      if (codeOf(e) !== NO_SUCH_FILE) throw e;
      // some remembered directory is gone (and maybe its parents): forget them all, it is rare
      this.knownDirs.clear();
      await this.ensureDir(calls, this.paths.parent(temp));
      return calls.open(temp, "w");
    }
  }

  /** Renames a finished temporary file over the final name; on failure the temporary goes. */
  private async commit(calls: SftpCalls, temp: string, path: string): Promise<void> {
    try {
      await calls.replace(temp, path);
    } catch (e) {
      await calls.unlink(temp).catch(() => undefined);
      throw e;
    }
  }

  private async ensureDir(calls: SftpCalls, dir: string): Promise<void> {
    if (dir === "/" || dir === "." || this.knownDirs.has(dir)) return;
    let pending = this.creatingDirs.get(dir);
    if (!pending) {
      pending = this.makeDir(calls, dir).finally(() => this.creatingDirs.delete(dir));
      this.creatingDirs.set(dir, pending);
    }
    await pending;
  }

  private async makeDir(calls: SftpCalls, dir: string): Promise<void> {
    const existing = await calls.stat(dir).catch((e) => {
      if (codeOf(e) === NO_SUCH_FILE) return undefined;
      throw e;
    });
    if (existing && !existing.isDirectory()) {
      throw new FerryError("Conflict", `${dir} exists and is not a directory`, { adapter: ADAPTER_NAME });
    }
    if (!existing) {
      await this.ensureDir(calls, posix.dirname(dir));
      try {
        await calls.mkdir(dir);
      } catch (e) {
        // someone else may have made it meanwhile
        const again = await calls.stat(dir).catch(() => undefined);
        if (!again?.isDirectory()) throw e;
      }
    }
    if (this.knownDirs.size >= KNOWN_DIRS_LIMIT) this.knownDirs.clear();
    this.knownDirs.add(dir);
  }

  async mkdir(key: string, options: OperationOptions = {}): Promise<void> {
    validateKey(key, ADAPTER_NAME);
    await this.withCalls(options.signal, { key, operation: "mkdir" }, (calls) => this.ensureDir(calls, this.paths.of(key)));
  }

  async setMtime(key: string, mtime: number, options: OperationOptions = {}): Promise<void> {
    validateKey(key, ADAPTER_NAME);
    await this.withCalls(options.signal, { key, operation: "set mtime of" }, (calls) => calls.utimes(this.paths.of(key), Math.floor(mtime / 1000)));
  }

  async move(fromKey: string, toKey: string, options: OperationOptions = {}): Promise<void> {
    validateKey(fromKey, ADAPTER_NAME);
    validateKey(toKey, ADAPTER_NAME);
    const from = this.paths.of(fromKey);
    const to = this.paths.of(toKey);
    await this.withCalls(options.signal, { key: fromKey, operation: "move" }, async (calls) => {
      await calls.lstat(from); // a missing source is NotFound, before any directory is made
      await this.ensureDir(calls, this.paths.parent(to));
      await calls.replace(from, to);
      await this.pruneEmptyParents(calls, from);
    });
  }

  async delete(keys: readonly string[], options: OperationOptions = {}): Promise<DeleteOutcome[]> {
    const outcomes: DeleteOutcome[] = new Array(keys.length);
    let next = 0;
    const worker = async () => {
      while (next < keys.length) {
        const i = next++;
        const key = keys[i]!;
        try {
          validateKey(key, ADAPTER_NAME);
          await this.withCalls(options.signal, { key, operation: "delete" }, async (calls) => {
            const path = this.paths.of(key);
            await this.remove(calls, path);
            await this.pruneEmptyParents(calls, path);
          });
          outcomes[i] = { key };
        } catch (e) {
          outcomes[i] = { key, error: toSftpError(e, { key, operation: "delete" }) };
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(8, keys.length) }, worker));
    return outcomes;
  }

  /**
   * Without `dirs`, directories are a side effect of keys (as in an object store), so one left
   * empty is removed, up to but never including the root. `rmdir` refuses a directory that is
   * not empty, so a file written into it meanwhile is never at risk.
   */
  private async pruneEmptyParents(calls: SftpCalls, path: string): Promise<void> {
    if (this.keepEmptyDirectories) return;
    for (let dir = this.paths.parent(path); dir !== this.paths.root && dir.startsWith(this.paths.root); dir = this.paths.parent(dir)) {
      try {
        await calls.rmdir(dir);
      } catch {
        return;
      }
      this.knownDirs.delete(dir);
    }
  }

  /** Removes a file or symlink, or an empty directory (never a directory's contents). */
  private async remove(calls: SftpCalls, path: string): Promise<void> {
    try {
      await calls.unlink(path);
    } catch (e) {
      if (codeOf(e) === NO_SUCH_FILE) return;
      const st = await calls.lstat(path).catch(() => undefined);
      if (!st?.isDirectory()) throw e;
      await calls.rmdir(path);
      this.knownDirs.delete(path);
    }
  }

  async close(): Promise<void> {
    await this.pool.close();
  }

  private async withCalls<T>(signal: AbortSignal | undefined, context: { key?: string; operation: string }, task: (calls: SftpCalls, connection: SftpConnection) => Promise<T>): Promise<T> {
    try {
      signal?.throwIfAborted();
      return await this.pool.use((connection) => task(new SftpCalls(connection.sftp), connection), signal);
    } catch (e) {
      throw toSftpError(e, context);
    }
  }
}

function fileEntry(key: string, st: Stats): Entry {
  return { key, size: st.size, mtime: st.mtime * 1000, type: "file", mode: st.mode & 0o7777 };
}

function dirEntry(key: string, st: Stats): Entry {
  return { key, size: 0, mtime: st.mtime * 1000, type: "dir", mode: st.mode & 0o7777 };
}

function symlinkEntry(key: string, st: Stats, target: string): Entry {
  return { key, size: Buffer.byteLength(target), mtime: st.mtime * 1000, type: "symlink", target, mode: st.mode & 0o7777 };
}

/** What an SFTP server can do for ferry (exported for `ferry adapters`). */
export function sftpCapabilities(options: Pick<SftpOptions, "links" | "remoteHash"> = {}): Capabilities {
  return {
    ...DEFAULT_CAPABILITIES,
    mtime: "native",
    // SFTP v3 attributes carry whole seconds
    mtimePrecision: 1000,
    mtimeInList: true,
    hashes: (options.remoteHash ?? true) ? REMOTE_HASHES : [],
    etag: null,
    serverSideCopy: false,
    serverSideMove: true,
    rangeReads: true,
    atomicWrites: true,
    emptyDirectories: true,
    caseSensitive: true,
    // symlinks are listed and written as such only in "copy" mode; "follow" sees through them
    symlinks: options.links === "copy",
    permissions: true,
  };
}
