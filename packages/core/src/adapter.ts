import type { Readable } from "node:stream";
import type { FerryError } from "./errors.js";

/**
 * The adapter contract. A small required surface (list/stat/read/write/delete), capabilities
 * declared up front, optional operations present or absent. Keys are relative to the
 * adapter's root/prefix and always validated by the core before an adapter sees them.
 */

export type HashAlgorithm = "md5" | "sha1" | "sha256" | "crc32c";
export const HASH_PREFERENCE: readonly HashAlgorithm[] = ["md5", "sha1", "sha256", "crc32c"];

export type EntryType = "file" | "dir" | "symlink";

export interface Entry {
  /** relative POSIX key under the location root */
  key: string;
  /** bytes; 0 for directories */
  size: number;
  /**
   * The content's modification time in ms since the epoch (may carry a fraction). For object
   * stores this is the source mtime kept in metadata; undefined when the listing does not
   * carry it (see `capabilities.mtimeInList`) — `stat` then fills it in.
   */
  mtime?: number;
  /** etag without quotes, comparable only between adapters with the same `capabilities.etag` scheme */
  etag?: string;
  /** lowercase hex digests the adapter knows without reading the body */
  hashes?: Partial<Record<HashAlgorithm, string>>;
  type?: EntryType;
  /** symlink target when type is "symlink" */
  target?: string;
  /** POSIX permission bits */
  mode?: number;
  contentType?: string;
  metadata?: Record<string, string>;
  /**
   * When the store itself last wrote this entry, in ms (S3 LastModified, Azure Last-Modified):
   * the upload time, not the source mtime. Object-store listings carry it for free while `mtime`
   * needs a stat, so a planner can apply `aws s3 sync`'s rule (same size and written no earlier
   * than the source's mtime ⇒ current) without a request per key.
   */
  lastModified?: number;
}

export interface Capabilities {
  /** how the adapter keeps the source modification time */
  mtime: "native" | "metadata" | "none";
  /** the coarsest difference the adapter can represent, in ms (1000 for WebDAV's getlastmodified) */
  mtimePrecision: number;
  /** true when list() entries carry mtime; false means stat() is needed to learn it */
  mtimeInList: boolean;
  /** hashes the adapter can give (from listing/metadata or via hash()) */
  hashes: readonly HashAlgorithm[];
  /** etag scheme id ("s3", "azure", …) or null; etags compare only within one scheme */
  etag: string | null;
  /** can copy from another adapter of the same provider without moving bytes through us */
  serverSideCopy: boolean;
  /** can rename within itself */
  serverSideMove: boolean;
  rangeReads: boolean;
  /** a failed or interrupted write never leaves a partial object under the final key */
  atomicWrites: boolean;
  /** can represent empty directories */
  emptyDirectories: boolean;
  caseSensitive: boolean;
  /** can store symlinks as symlinks */
  symlinks: boolean;
  /** can keep POSIX permission bits */
  permissions: boolean;
  /** largest single object in bytes, if limited */
  maxObjectSize?: number;
  /** most parts in one multipart upload, if multipart is used */
  maxPartCount?: number;
}

export interface OperationOptions {
  signal?: AbortSignal;
}

export interface ListOptions extends OperationOptions {
  /** list only keys strictly greater than this (byte order) */
  startAfter?: string;
  /** also yield directory entries (type "dir", key ending without slash) for --dirs */
  dirs?: boolean;
  /** directories listed in parallel by walking adapters (--list-concurrency); others ignore it */
  concurrency?: number;
}

export interface ByteRange {
  start: number;
  /** inclusive; omitted = to the end */
  end?: number;
}

export interface ReadOptions extends OperationOptions {
  range?: ByteRange;
}

/** Attributes carried with a write. Unsupported ones must be rejected by `checkWriteOptions`, never ignored. */
export interface WriteMeta {
  /** expected size in bytes, when known (lets adapters choose single vs multipart) */
  size?: number;
  /** source mtime in ms to keep */
  mtime?: number;
  mode?: number;
  contentType?: string;
  cacheControl?: string;
  contentDisposition?: string;
  metadata?: Record<string, string>;
  storageClass?: string;
  sse?: string;
  sseKmsKeyId?: string;
  acl?: string;
  accessTier?: string;
  /** write a symlink with this target instead of a body (adapters with `symlinks`) */
  symlinkTarget?: string;
  /** hashes of the body already known to the caller (e.g. from the source listing) */
  hashes?: Partial<Record<HashAlgorithm, string>>;
}

export interface WriteOptions extends OperationOptions {
  /** called with the running count of body bytes consumed */
  onProgress?: (bytes: number) => void;
  /** multipart threshold and part size in bytes (object stores) */
  multipartThreshold?: number;
  multipartChunkSize?: number;
  /** parallel part uploads for one object */
  partConcurrency?: number;
  /**
   * Called (at most once per write) when the write holds no bytes or connections any more and
   * only waits for a commit it shares with other writes — a local group commit, where one
   * filesystem flush serves many files. The write still resolves only once it is durable under
   * its final name; the caller may start other work meanwhile (the runner frees its slot).
   */
  onCommitWait?: () => void;
}

export interface WriteResult {
  etag?: string;
  hashes?: Partial<Record<HashAlgorithm, string>>;
  size?: number;
  mtime?: number;
}

export interface DeleteOutcome {
  key: string;
  error?: FerryError;
}

export interface Adapter {
  /** adapter kind: "local", "memory", "s3", "azure", "webdav", "sftp", … */
  readonly name: string;
  /** the location as a URL for display, credentials redacted */
  readonly root: string;
  readonly capabilities: Capabilities;
  /**
   * Provider + account identity. Two adapters with the same identity can copy server-side
   * (when `serverSideCopy`) and their etags are comparable.
   */
  readonly identity?: string;

  /** Every entry under `prefix` (relative to root), in ascending UTF-8 byte order of key. */
  list(prefix?: string, options?: ListOptions): AsyncIterable<Entry>;
  /** The entry, or undefined when the key does not exist. */
  stat(key: string, options?: OperationOptions): Promise<Entry | undefined>;
  /** A stream of the body; throws FerryError NotFound for a missing key. */
  read(key: string, options?: ReadOptions): Promise<Readable>;
  /** Streams `body` to `key`, committing atomically where the adapter can. */
  write(key: string, body: Readable, meta: WriteMeta, options?: WriteOptions): Promise<WriteResult>;
  /** Deletes keys (missing keys are not an error); one outcome per key. */
  delete(keys: readonly string[], options?: OperationOptions): Promise<DeleteOutcome[]>;

  /** Server-side copy from `source` (same identity) into this adapter. */
  copy?(source: Adapter, sourceKey: string, key: string, meta: WriteMeta, options?: WriteOptions): Promise<WriteResult>;
  /** Rename within this adapter. */
  move?(fromKey: string, toKey: string, options?: OperationOptions): Promise<void>;
  setMtime?(key: string, mtime: number, options?: OperationOptions): Promise<void>;
  /** Computes (or fetches) a digest of the key's content. */
  hash?(key: string, algorithm: HashAlgorithm, options?: OperationOptions): Promise<string>;
  /** Creates an empty directory (adapters with `emptyDirectories`). */
  mkdir?(key: string, options?: OperationOptions): Promise<void>;
  /**
   * Throws FerryError Unsupported naming the option when `meta` asks for something this
   * adapter cannot store (e.g. `accessTier` on S3), so the planner can refuse before writing.
   */
  checkWriteMeta?(meta: WriteMeta): void;
  /** Throws Unreachable/NotFound/Unauthorized when the location cannot be used at all. */
  probe?(options?: OperationOptions): Promise<{ exists: boolean }>;
  close?(): Promise<void>;
}

/** The strongest hash both adapters can give, or undefined. */
export function commonHash(a: Adapter, b: Adapter): HashAlgorithm | undefined {
  for (const h of HASH_PREFERENCE) {
    if (a.capabilities.hashes.includes(h) && b.capabilities.hashes.includes(h)) return h;
  }
  return undefined;
}

/** Two mtimes are equal when within the coarser precision of the two adapters. */
export function modifyWindow(a: Adapter, b: Adapter): number {
  return Math.max(a.capabilities.mtimePrecision, b.capabilities.mtimePrecision);
}

/** True when the two adapters' etags are produced by the same scheme and account. */
export function etagsComparable(a: Adapter, b: Adapter): boolean {
  return (
    a.capabilities.etag !== null &&
    a.capabilities.etag === b.capabilities.etag &&
    a.identity !== undefined &&
    a.identity === b.identity
  );
}

/** True when `dst` can copy from `src` without streaming bytes through ferry. */
export function canCopyServerSide(src: Adapter, dst: Adapter): boolean {
  return (
    typeof dst.copy === "function" &&
    dst.capabilities.serverSideCopy &&
    src.name === dst.name &&
    src.identity !== undefined &&
    src.identity === dst.identity
  );
}

/** Defaults for capabilities; adapters spread their differences over it. */
export const DEFAULT_CAPABILITIES: Capabilities = {
  mtime: "none",
  mtimePrecision: 1000,
  mtimeInList: false,
  hashes: [],
  etag: null,
  serverSideCopy: false,
  serverSideMove: false,
  rangeReads: false,
  atomicWrites: false,
  emptyDirectories: false,
  caseSensitive: true,
  symlinks: false,
  permissions: false,
};

/** Metadata key under which object stores keep the source mtime (seconds, fractional). */
export const MTIME_METADATA_KEY = "mtime";

export function encodeMtimeMetadata(ms: number): string {
  return (ms / 1000).toFixed(3).replace(/\.?0+$/, "");
}

export function decodeMtimeMetadata(value: string | undefined): number | undefined {
  if (value === undefined || value === "") return undefined;
  const s = Number(value);
  if (!Number.isFinite(s)) return undefined;
  return Math.round(s * 1000);
}

/**
 * How a front end (CLI flags, SDK options, config file) hands settings to an adapter package.
 * Every adapter package exports `fromUrl(url, context)` so the SDK can open `scheme://…`
 * locations after a dynamic import.
 */
export interface LocationContext {
  /**
   * Adapter-specific settings by camelCase name, from flags (`--s3-endpoint` → `s3Endpoint`),
   * SDK options or a named remote's config entry. Adapters read only their own and ignore the rest.
   */
  options: Record<string, unknown>;
  /** the environment to take credentials from (process.env unless a caller overrides it) */
  env: Record<string, string | undefined>;
}

export type AdapterFromUrl = (url: URL, context: LocationContext) => Adapter | Promise<Adapter>;
