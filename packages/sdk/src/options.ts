import type {
  Adapter,
  ConflictRecord,
  Entry,
  EventSink,
  FerryError,
  FilterRule,
  FilterStyle,
  RunSummary,
  WriteMeta,
} from "@ferry/core";

/** A location: a URL (`s3://b/p/`, `./dir`, `remote:path`) or an adapter object. */
export type Location = string | Adapter;

/** syncengine's five modes (SPEC §3); names and aliases accepted. */
export type SyncMode =
  | "sourceToDestination"
  | "sourceBackup"
  | "destinationToSource"
  | "destinationBackup"
  | "twoWay";
export type SyncModeInput = SyncMode | "std" | "mirror" | "sb" | "copy" | "dts" | "db" | "tw";

export type CompareName = "auto" | "size" | "size-mtime" | "etag" | "checksum";
/** returns true when `dst` is current (nothing to transfer) */
export type CompareFunction = (src: Entry, dst: Entry) => boolean | Promise<boolean>;

export interface ProgressInfo {
  done: number;
  total: number;
  key: string;
  status: "uploaded" | "skipped" | "deleted" | "failed" | "moved";
  bytes?: number;
}

/** A named remote: `type` picks the adapter; the other fields are that adapter's settings. */
export interface RemoteConfig {
  type: string;
  [setting: string]: unknown;
}

/** Settings that open locations (flags like --s3-endpoint, by camelCase name) — see LocationContext. */
export interface LocationSettings {
  /** adapter options by camelCase flag name: s3Endpoint, s3PathStyle, sftpKeyFile, webdavUser, links, perms, dirs, … */
  adapterOptions?: Record<string, unknown>;
  /**
   * named remotes for `name:path` locations, as in the config file's `remotes` object (the CLI
   * loads and validates the file; `$ENV_VAR` values must already be resolved)
   */
  remotes?: Record<string, RemoteConfig>;
  /** environment to read credentials from (default process.env) */
  env?: Record<string, string | undefined>;
}

export interface FilterSettings {
  include?: string[];
  exclude?: string[];
  /** ordered include/exclude rules (takes the place of include/exclude when given) */
  filters?: FilterRule[];
  filterStyle?: FilterStyle;
  ignoreCase?: boolean;
  /** exact keys or prefixes ending in "/" */
  filesFrom?: string[];
  minSize?: number | string;
  maxSize?: number | string;
  /** ms or a duration/ISO date string */
  minAge?: number | string;
  maxAge?: number | string;
  start?: string;
  end?: string;
  /** first N keys */
  limit?: number;
}

export interface CompareSettings {
  compare?: CompareName | CompareFunction;
  /** skip when the destination is newer (--update) */
  update?: boolean;
  ignoreExisting?: boolean;
  /** never create new keys (--existing) */
  existing?: boolean;
  /** always transfer (--force-update / --ignore-times) */
  forceUpdate?: boolean;
  /** aws semantics for downloads: mtimes must match exactly */
  exactTimestamps?: boolean;
  /** ms; overrides the adapters' precision for size-mtime */
  modifyWindow?: number;
}

export interface TransferSettings {
  /** transfers in flight (alias: transfers), default 16 */
  concurrency?: number;
  transfers?: number;
  /** stat/hash work in flight, default 16 */
  checkers?: number;
  listConcurrency?: number;
  /** bytes per second in total (number or "10M") */
  bwlimit?: number | string;
  /** requests per second */
  tpslimit?: number;
  multipartThreshold?: number | string;
  multipartChunkSize?: number | string;
  /** retries per request for retryable errors, default 5 */
  retries?: number;
  stopOnError?: boolean;
  maxFailures?: number;
  verify?: boolean;
  /** object attributes on upload */
  attributes?: Pick<
    WriteMeta,
    "contentType" | "cacheControl" | "contentDisposition" | "metadata" | "storageClass" | "sse" | "sseKmsKeyId" | "acl" | "accessTier"
  >;
}

export interface SafetySettings {
  /** count or "N%" of destination keys in scope; default "50%" when deleting */
  maxDelete?: number | string;
  /** overrides safety guards (never what counts as changed) */
  force?: boolean;
  deleteTiming?: "before" | "during" | "after";
  deleteExcluded?: boolean;
  /** move whatever would be overwritten or deleted here instead of losing it */
  backupDir?: Location;
  suffix?: string;
}

export interface RunSettings {
  dryRun?: boolean;
  signal?: AbortSignal;
  /** per-key progress (files-sdk compatible); not called in dry runs */
  onProgress?: (info: ProgressInfo) => void;
  /** every engine event (plan, transfer, skip, delete, error, progress, summary) */
  onEvent?: EventSink;
  /** keep key lists in the result (default true; the CLI turns it off to keep memory flat) */
  collectKeys?: boolean;
  /** Redis URL: spread transfers over `ferry worker`s (needs @ferry/cluster) */
  queue?: string;
  /** distributed runs: wait for this many workers before enqueueing (default 1) */
  minWorkers?: number;
  /** distributed runs: most keys and bytes in one batch (defaults 100 keys, 64 MiB) */
  batchKeys?: number;
  batchBytes?: number | string;
}

export interface SyncOptions
  extends LocationSettings,
    FilterSettings,
    CompareSettings,
    TransferSettings,
    SafetySettings,
    RunSettings {
  mode?: SyncModeInput;
  /** delete destination keys the source no longer has (alias: prune) */
  delete?: boolean;
  prune?: boolean;
  /** scope the source walk */
  prefix?: string;
  /** scope the destination walk; defaults to prefix */
  destPrefix?: string;
  /** remap each source key for the destination; must keep keys in the same order */
  transformKey?: (key: string) => string;
  /** move: delete each source key once its copy is verified */
  deleteSource?: boolean;
}

export interface SyncResult {
  /** keys written to the destination (or, for dst→src modes, to the source) */
  uploaded: string[];
  /** keys whose copy was current */
  skipped: string[];
  /** keys deleted; present when the mode deletes */
  deleted?: string[];
  errors?: Array<{ key: string; error: FerryError }>;
  conflicts?: ConflictRecord[];
  stats: RunSummary;
}

export type CheckOptions = Omit<SyncOptions, "delete" | "prune" | "dryRun" | "deleteSource"> & {
  /** compare bytes of every pair (--check-all) */
  checkAll?: boolean;
};

export interface CheckDifference {
  key: string;
  kind: "missing-on-dst" | "missing-on-src" | "differ";
  reason?: string;
}

export interface CheckResult {
  identical: boolean;
  differences: CheckDifference[];
  errors?: Array<{ key: string; error: FerryError }>;
  stats: RunSummary;
}

export interface ListOptionsSdk extends LocationSettings, FilterSettings {
  recursive?: boolean;
  signal?: AbortSignal;
}
