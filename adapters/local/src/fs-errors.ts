// the small entry point: a listing worker loads this module (walk-offload.ts)
import { FerryError, isAbortError, toFerryError, type FerryErrorCode } from "@ferry/core/errors";

export const ADAPTER = "local";

interface Mapping {
  code: FerryErrorCode;
  reason: string;
  retryable?: boolean;
}

/** errno → what it means for a sync; anything not here goes through toFerryError */
const MAPPINGS: Record<string, Mapping> = {
  ENOENT: { code: "NotFound", reason: "no such file or directory" },
  EACCES: { code: "Unauthorized", reason: "permission denied" },
  EPERM: { code: "Unauthorized", reason: "operation not permitted" },
  EROFS: { code: "Unauthorized", reason: "read-only file system" },
  ENOSPC: { code: "Provider", reason: "no space left on device" },
  EDQUOT: { code: "Provider", reason: "disk quota exceeded" },
  EFBIG: { code: "Provider", reason: "file too large" },
  EIO: { code: "Provider", reason: "input/output error" },
  ELOOP: { code: "Provider", reason: "too many levels of symbolic links" },
  EXDEV: { code: "Provider", reason: "cross-device link" },
  EEXIST: { code: "Conflict", reason: "already exists" },
  ENOTDIR: { code: "Conflict", reason: "a path component is a file, not a directory" },
  EISDIR: { code: "Conflict", reason: "is a directory" },
  ENOTEMPTY: { code: "Conflict", reason: "directory not empty" },
  ENAMETOOLONG: { code: "InvalidKey", reason: "file name too long" },
  EILSEQ: { code: "InvalidKey", reason: "file name not valid on this file system" },
  EINVAL: { code: "Provider", reason: "invalid argument" },
  EMFILE: { code: "Transient", reason: "too many open files", retryable: true },
  ENFILE: { code: "Transient", reason: "too many open files in system", retryable: true },
  EAGAIN: { code: "Transient", reason: "resource temporarily unavailable", retryable: true },
  EBUSY: { code: "Transient", reason: "resource busy", retryable: true },
  ETIMEDOUT: { code: "Transient", reason: "timed out", retryable: true },
};

export function errnoOf(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

/**
 * Translates a Node file system error into a FerryError naming the operation and the key
 * (relative to the root). The message never repeats Node's text, which embeds absolute paths.
 */
export function fsError(e: unknown, action: string, key?: string): FerryError {
  if (e instanceof FerryError) return toFerryError(e, { adapter: ADAPTER, key });
  if (isAbortError(e)) return new FerryError("Aborted", `${action} was aborted`, { adapter: ADAPTER, key, cause: e });
  const errno = errnoOf(e);
  const mapping = errno ? MAPPINGS[errno] : undefined;
  if (!mapping) return toFerryError(e, { adapter: ADAPTER, key });
  const subject = key === undefined ? "" : ` ${JSON.stringify(key)}`;
  return new FerryError(mapping.code, `cannot ${action}${subject}: ${mapping.reason} (${errno})`, {
    adapter: ADAPTER,
    key,
    cause: e,
    retryable: mapping.retryable ?? false,
  });
}

export function aborted(action: string, key?: string): FerryError {
  return new FerryError("Aborted", `${action} was aborted`, { adapter: ADAPTER, key });
}

export function throwIfAborted(signal: AbortSignal | undefined, action: string, key?: string): void {
  if (signal?.aborted) throw aborted(action, key);
}

/**
 * For operations on a key that should exist (read, hash, set mtime, rename away): a file
 * where a parent directory should be, or a directory where the file should be, both mean
 * "no such key".
 */
export function fsErrorForExisting(e: unknown, action: string, key: string): FerryError {
  const errno = errnoOf(e);
  if (errno === "ENOTDIR" || errno === "EISDIR") {
    return new FerryError("NotFound", `cannot ${action} ${JSON.stringify(key)}: no such file (${errno})`, { adapter: ADAPTER, key, cause: e });
  }
  return fsError(e, action, key);
}
