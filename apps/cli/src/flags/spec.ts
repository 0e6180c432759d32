/**
 * Every flag ferry knows, declared once. Commands pick groups from here; the same table feeds
 * commander, `FERRY_<FLAG>` environment defaults, shell completion and the secret scrubber, so
 * a flag can never exist in one of them and be missing from another.
 */
export type FlagGroup =
  | "output"
  | "location"
  | "filter"
  | "compare"
  | "transfer"
  | "attributes"
  | "safety"
  | "mode"
  | "bisync"
  | "cluster";

export interface FlagSpec {
  /** canonical long name without dashes */
  name: string;
  short?: string;
  /** other long names users bring from aws/rclone/juicefs */
  aliases?: string[];
  /** placeholder when the flag takes a value (`<n>`); absent for booleans */
  value?: string;
  /** the value may be left out (`--s3-path-style` or `--s3-path-style=false`) */
  optionalValue?: boolean;
  repeatable?: boolean;
  /** allowed values, for help, completion and validation */
  choices?: readonly string[];
  /** never echoed anywhere; registered with the secret scrubber */
  secret?: boolean;
  description: string;
  group: FlagGroup;
}

export const MODES = [
  "sourceToDestination",
  "sourceBackup",
  "destinationToSource",
  "destinationBackup",
  "twoWay",
  "std",
  "mirror",
  "sb",
  "copy",
  "dts",
  "db",
  "tw",
] as const;
export const COMPARE_NAMES = ["auto", "size", "size-mtime", "etag", "checksum"] as const;
export const FILTER_STYLES = ["first-match", "layered", "aws"] as const;
export const CONFLICT_POLICIES = ["keep-both", "newer", "older", "source", "destination", "larger"] as const;
export const INITIAL_POLICIES = ["merge", "source-wins", "destination-wins"] as const;

const f = (group: FlagGroup, specs: Omit<FlagSpec, "group">[]): FlagSpec[] => specs.map((s) => ({ ...s, group }));

export const OUTPUT_FLAGS = f("output", [
  { name: "json", description: "print NDJSON events on stdout instead of lines (see README)" },
  { name: "quiet", short: "q", description: "print errors only, no summary" },
  { name: "only-show-errors", description: "print errors and warnings only (keeps the summary)" },
  { name: "verbose", short: "v", description: "also print skipped keys with their reason" },
  { name: "no-progress", description: "no progress line (plain) / progress events (json)" },
  { name: "yes", short: "y", description: "do not ask before a plan that deletes" },
  { name: "debug", description: "stack traces and internal detail on errors (secrets still redacted)" },
  { name: "config", value: "<file>", description: "config file with named remotes (default $XDG_CONFIG_HOME/ferry/config.json)" },
]);

export const LOCATION_FLAGS = f("location", [
  { name: "s3-endpoint", value: "<url>", description: "S3-compatible endpoint (MinIO, R2, s3rver); implies path-style addressing" },
  { name: "s3-region", value: "<region>", description: "S3 region (default from AWS_REGION / profile)" },
  { name: "s3-path-style", value: "[bool]", optionalValue: true, description: "path-style addressing (default on with --s3-endpoint; =false turns it off)" },
  { name: "s3-profile", value: "<name>", description: "AWS shared-config profile" },
  { name: "azure-connection-string", value: "<string>", secret: true, description: "Azure storage connection string (prefer AZURE_STORAGE_CONNECTION_STRING)" },
  { name: "azure-account", value: "<name>", description: "Azure storage account name" },
  { name: "azure-key", value: "<key>", secret: true, description: "Azure storage account key" },
  { name: "azure-sas-token", value: "<token>", secret: true, description: "Azure SAS token" },
  { name: "webdav-user", value: "<user>", description: "WebDAV user name" },
  { name: "webdav-password", value: "<password>", secret: true, description: "WebDAV password (prefer FERRY_WEBDAV_PASSWORD)" },
  { name: "webdav-auth", value: "<scheme>", choices: ["auto", "basic", "digest"], description: "WebDAV authentication (default auto)" },
  { name: "webdav-vendor", value: "<vendor>", choices: ["other", "owncloud", "nextcloud"], description: "server kind; owncloud/nextcloud keep mtimes (X-OC-Mtime)" },
  { name: "sftp-key-file", value: "<file>", description: "SSH private key file" },
  { name: "sftp-key-passphrase", value: "<passphrase>", secret: true, description: "passphrase of the key file (prefer FERRY_SFTP_KEY_PASSPHRASE)" },
  { name: "sftp-user", value: "<user>", description: "SSH user when the URL has none" },
  { name: "sftp-connections", value: "<n>", description: "SSH connections kept open (default 4)" },
  { name: "sftp-password", value: "<password>", secret: true, description: "SSH password (prefer FERRY_SFTP_PASSWORD)" },
  { name: "sftp-known-hosts", value: "<file>", description: "known_hosts file (default ~/.ssh/known_hosts)" },
  { name: "sftp-insecure-host-key", description: "do not check the server's host key (explicit opt-out)" },
  { name: "links", short: "l", description: "copy symlinks as symlinks (default: follow them)" },
  { name: "perms", description: "keep POSIX permission bits" },
  { name: "dirs", description: "create empty directories" },
  { name: "fsync", value: "[bool]", optionalValue: true, description: "flush each written file to disk before renaming it into place (local, sftp; default on; =false trades power-loss safety for speed, like rclone)" },
]);

export const FILTER_FLAGS = f("filter", [
  { name: "include", value: "<pattern>", repeatable: true, description: "include keys matching the pattern (ordered with --exclude)" },
  { name: "exclude", value: "<pattern>", repeatable: true, description: "exclude keys matching the pattern (ordered with --include)" },
  { name: "filter-from", value: "<file>", repeatable: true, description: "read ordered `+ P` / `- P` rules from a file" },
  { name: "files-from", value: "<file>", description: "only these keys (one a line; a trailing / selects a prefix)" },
  { name: "filter-style", value: "<style>", choices: FILTER_STYLES, description: "how ordered rules decide: first-match, layered, aws" },
  { name: "match-full-path", description: "juicefs alias of --filter-style first-match" },
  { name: "ignore-case", description: "match patterns without case" },
  { name: "min-size", value: "<size>", description: "only keys at least this big (10M, 1.5GiB)" },
  { name: "max-size", value: "<size>", description: "only keys at most this big" },
  { name: "min-age", value: "<age>", description: "only keys older than this (30d, 2h, or an ISO date)" },
  { name: "max-age", value: "<age>", description: "only keys newer than this (30d, 2h, or an ISO date)" },
  { name: "start", value: "<key>", description: "only keys >= this key" },
  { name: "end", value: "<key>", description: "only keys <= this key" },
  { name: "limit", value: "<n>", description: "only the first N keys" },
]);

export const COMPARE_FLAGS = f("compare", [
  { name: "compare", value: "<how>", choices: COMPARE_NAMES, description: "change detection: auto, size, size-mtime, etag, checksum" },
  { name: "size-only", description: "alias of --compare size" },
  { name: "checksum", short: "c", description: "alias of --compare checksum" },
  { name: "update", short: "u", description: "skip keys that are newer on the destination" },
  { name: "ignore-existing", description: "never touch keys that exist on the destination" },
  { name: "existing", description: "never create keys that do not exist on the destination" },
  { name: "force-update", aliases: ["ignore-times"], description: "always transfer, even identical keys" },
  { name: "exact-timestamps", description: "mtimes must match exactly (aws semantics for downloads)" },
  { name: "modify-window", value: "<duration>", description: "mtimes this close count as equal (1s, 500ms)" },
]);

export const TRANSFER_FLAGS = f("transfer", [
  { name: "transfers", value: "<n>", description: "transfers in flight (default 16)" },
  { name: "checkers", value: "<n>", description: "stat/hash work in flight (default 16)" },
  { name: "list-concurrency", value: "<n>", description: "prefixes listed in parallel" },
  { name: "bwlimit", value: "<size>", description: "total bandwidth limit in bytes/s (10M)" },
  { name: "tpslimit", value: "<n>", description: "requests per second limit" },
  { name: "multipart-threshold", value: "<size>", description: "multipart upload above this size (default 8MiB)" },
  { name: "multipart-chunk-size", value: "<size>", description: "multipart part size (default 8MiB)" },
  { name: "retries", value: "<n>", description: "retries per request for transient errors (default 5)" },
  { name: "stop-on-error", description: "stop at the first failed key (and skip deletes)" },
  { name: "max-failures", value: "<n>", description: "stop after N failed keys (exit 5)" },
  { name: "verify", description: "re-read each written object's hash/etag/size after writing" },
]);

export const ATTRIBUTE_FLAGS = f("attributes", [
  { name: "content-type", value: "<type>", description: "Content-Type of uploads (default: guessed from the extension)" },
  { name: "cache-control", value: "<value>", description: "Cache-Control of uploads" },
  { name: "content-disposition", value: "<value>", description: "Content-Disposition of uploads" },
  { name: "metadata", value: "<k=v>", repeatable: true, description: "user metadata on uploads (repeatable)" },
  { name: "storage-class", value: "<class>", description: "S3 storage class (STANDARD_IA, GLACIER, …)" },
  { name: "sse", value: "<algorithm>", description: "S3 server-side encryption (AES256, aws:kms)" },
  { name: "sse-kms-key-id", value: "<id>", description: "KMS key for --sse aws:kms" },
  { name: "acl", value: "<acl>", description: "S3 canned ACL (private, public-read, …)" },
  { name: "access-tier", value: "<tier>", description: "Azure access tier (Hot, Cool, Cold, Archive)" },
]);

export const DELETE_FLAGS = f("safety", [
  { name: "delete", aliases: ["prune", "delete-dst"], description: "delete destination keys the source does not have" },
  { name: "delete-excluded", description: "also delete excluded destination keys (needs --delete)" },
  { name: "delete-before", description: "delete before transferring" },
  { name: "delete-during", description: "delete while transferring" },
  { name: "delete-after", description: "delete after all transfers succeeded (default)" },
]);

export const GUARD_FLAGS = f("safety", [
  { name: "dry-run", short: "n", aliases: ["dryrun", "dry"], description: "list and plan for real, change nothing, print the plan" },
  { name: "max-delete", value: "<n|n%>", description: "refuse plans deleting more (default 50% of destination keys)" },
  { name: "force", description: "override safety guards (max-delete, empty source)" },
  { name: "backup-dir", value: "<location>", description: "move overwritten/deleted keys here instead of losing them" },
  { name: "suffix", value: "<suffix>", description: "suffix for backed-up keys" },
]);

export const MODE_FLAGS = f("mode", [
  { name: "mode", value: "<mode>", choices: MODES, description: "who may change what: sourceToDestination (mirror), sourceBackup (copy), destinationToSource, destinationBackup" },
]);

export const BISYNC_FLAGS = f("bisync", [
  { name: "conflict", value: "<policy>", choices: CONFLICT_POLICIES, description: "conflict resolution (default keep-both)" },
  { name: "initial", value: "<policy>", choices: INITIAL_POLICIES, description: "first run without state (default merge)" },
  { name: "resync", description: "ignore saved state and start again as a first run" },
  { name: "state-dir", value: "<dir>", description: "where bisync state is kept (default $XDG_STATE_HOME/ferry)" },
]);

export const CLUSTER_FLAGS = f("cluster", [
  { name: "queue", value: "<redis-url>", description: "spread transfers over `ferry worker`s through this Redis queue" },
  { name: "min-workers", value: "<n>", description: "wait for N workers before starting" },
  { name: "batch-keys", value: "<n>", description: "keys per queued batch" },
  { name: "batch-bytes", value: "<size>", description: "bytes per queued batch" },
]);

/** `ferry worker` only (a sync's parallelism is --transfers) */
export const WORKER_FLAGS = f("cluster", [{ name: "concurrency", value: "<n>", description: "batches this worker runs at once (default 2)" }]);

export const CHECK_FLAGS = f("compare", [{ name: "check-all", description: "compare the bytes of every pair" }]);

export const ALL_FLAGS: FlagSpec[] = [
  ...OUTPUT_FLAGS,
  ...LOCATION_FLAGS,
  ...FILTER_FLAGS,
  ...COMPARE_FLAGS,
  ...CHECK_FLAGS,
  ...TRANSFER_FLAGS,
  ...ATTRIBUTE_FLAGS,
  ...DELETE_FLAGS,
  ...GUARD_FLAGS,
  ...MODE_FLAGS,
  ...BISYNC_FLAGS,
  ...CLUSTER_FLAGS,
  ...WORKER_FLAGS,
];

/** `sftp-key-file` → `sftpKeyFile` (commander's attribute names and the SDK's option names). */
export function camelName(name: string): string {
  return name.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** `sftp-key-file` → `FERRY_SFTP_KEY_FILE` */
export function envName(name: string): string {
  return `FERRY_${name.toUpperCase().replace(/-/g, "_")}`;
}
