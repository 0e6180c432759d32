import path from "node:path";
import { pathToFileURL } from "node:url";
import {
  type ErrorInfo,
  FerryError,
  type FerryErrorCode,
  type RetryPolicy,
  type TransferAction,
  type TransferOp,
  type UploadAttributes,
  keyProblem,
} from "@ferry/core";
import { redactUrl } from "@ferry/sdk";

/**
 * What travels through Redis. A batch names its locations as strings that the worker opens
 * with its own credentials, the planned actions, and the execution settings that are not
 * secret. Nothing here may hold a password, key or token.
 */

export const JOB_NAME = "transfer-batch";
export const WIRE_VERSION = 1;

export interface ExecutionSettings {
  retry: RetryPolicy;
  /** transfers in flight per batch (the run's --transfers; a worker may lower it) */
  transfers: number;
  verify?: boolean;
  attributes?: UploadAttributes;
  multipartThreshold?: number;
  multipartChunkSize?: number;
  partConcurrency?: number;
  perms?: boolean;
  /** bytes/s and requests/s — applied by each worker to its share of the run */
  bwlimit?: number;
  tpslimit?: number;
  backupDir?: string;
  suffix?: string;
}

export interface BatchJobData {
  v: number;
  runId: string;
  locations: { src: string; dst: string };
  settings: ExecutionSettings;
  actions: TransferAction[];
}

export type KeyResult =
  | { i: number; ok: true; op: TransferOp; bytes: number; ms: number }
  /** `op` is absent when the batch failed before the transfer could start */
  | { i: number; ok: false; op?: TransferOp; ms: number; error: ErrorInfo };

export interface BatchResult {
  v: number;
  /** which worker ran it (host:pid:id) */
  worker: string;
  /** the worker found the run over (its coordinator gone) and did nothing */
  dropped?: boolean;
  results: KeyResult[];
}

/** job.updateProgress payload: what happened since the previous report. */
export interface BatchProgress {
  worker: string;
  /** body bytes moved since the previous report (negative when a retry takes some back) */
  bytes: number;
  /** indexes of transfers started since the previous report */
  started?: number[];
  /** [index, bytes so far] of running transfers that reported progress */
  active?: Array<[number, number]>;
}

const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;
// `name:path` names a remote from the config file (SPEC §1); one letter is a Windows drive
const REMOTE = /^[A-Za-z0-9_][A-Za-z0-9_.-]+:/;

/**
 * A location as workers can open it on their own machines:
 * - URLs lose their password and secret query parameters (whatever the SDK's redaction hides
 *   is dropped, not replaced), so workers fall back to their own credentials;
 * - paths become absolute file:// URLs (meaningful where workers share the file system);
 * - `remote:path` stays as is: each worker resolves it from its own config;
 * - adapter objects and mem:// live in one process and cannot be distributed.
 */
export function shareableLocation(location: unknown, what: string): string {
  if (typeof location !== "string") {
    throw new FerryError("Usage", `the ${what} is an adapter object, which cannot be sent to workers`, {
      hint: "pass it as a URL (s3://bucket/prefix/, az://…, a path): each worker opens it with its own credentials",
    });
  }
  if (SCHEME.test(location)) {
    if (/^mem:/i.test(location)) {
      throw new FerryError("Usage", `the ${what} ${location} lives in this process's memory and cannot be shared with workers`, {
        hint: "distributed runs need locations every worker can reach",
      });
    }
    return withoutSecrets(location);
  }
  if (REMOTE.test(location) && !location.startsWith(".") && !location.startsWith("/")) return location;
  return pathToFileURL(path.resolve(location)).href;
}

function withoutSecrets(location: string): string {
  const redacted = redactUrl(location);
  if (redacted === location) return location;
  let url: URL;
  try {
    url = new URL(redacted);
  } catch {
    throw new FerryError("Usage", `cannot share ${redacted} with workers: it is not a valid URL`);
  }
  if (url.password) url.password = "";
  for (const [name, value] of [...url.searchParams]) if (value === "REDACTED") url.searchParams.delete(name);
  return url.href;
}

/** Checks what a worker pulled from Redis before anything is opened or written. */
export function decodeJobData(data: unknown): BatchJobData {
  const d = data as Partial<BatchJobData> | null;
  const bad = (why: string) => new FerryError("Usage", `malformed batch: ${why}`);
  if (!d || typeof d !== "object") throw bad("not an object");
  if (d.v !== WIRE_VERSION) throw bad(`wire version ${String(d.v)} (this worker speaks ${WIRE_VERSION}); run the same ferry version everywhere`);
  if (typeof d.runId !== "string" || !d.runId) throw bad("no run id");
  if (!d.locations || typeof d.locations.src !== "string" || typeof d.locations.dst !== "string") throw bad("no locations");
  if (!d.settings || typeof d.settings !== "object") throw bad("no settings");
  if (!Array.isArray(d.actions)) throw bad("no actions");
  for (const a of d.actions) {
    if (!a || a.type !== "transfer" || typeof a.key !== "string" || typeof a.targetKey !== "string" || !a.source) throw bad("an action is not a transfer");
    // the planner validated these; a worker checks again because Redis is a trust boundary
    const problem = keyProblem(a.key) ?? keyProblem(a.targetKey);
    if (problem) throw new FerryError("InvalidKey", `malformed batch: ${problem}`, { key: a.key });
    if ((a.from !== "src" && a.from !== "dst") || (a.to !== "src" && a.to !== "dst") || a.from === a.to) throw bad("bad sides");
  }
  return d as BatchJobData;
}

export function decodeBatchResult(raw: unknown): BatchResult {
  const value = typeof raw === "string" ? (JSON.parse(raw) as unknown) : raw;
  const r = value as Partial<BatchResult> | null;
  if (!r || typeof r !== "object" || !Array.isArray(r.results)) throw new FerryError("Provider", "a worker returned a malformed batch result");
  return r as BatchResult;
}

const CODES: ReadonlySet<string> = new Set<FerryErrorCode>([
  "NotFound",
  "Unauthorized",
  "Conflict",
  "InvalidKey",
  "Transient",
  "Provider",
  "Usage",
  "Unreachable",
  "Unsupported",
  "Integrity",
  "Refused",
  "Aborted",
]);

export function errorFromInfo(info: ErrorInfo, key?: string): FerryError {
  const code = CODES.has(info.code) ? info.code : "Provider";
  return new FerryError(code, String(info.message), {
    ...(info.adapter ? { adapter: info.adapter } : {}),
    ...(info.key !== undefined ? { key: info.key } : key !== undefined ? { key } : {}),
    retryable: !!info.retryable,
  });
}
