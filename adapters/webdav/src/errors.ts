import { FerryError, isAbortError, isFerryError, toFerryError, type FerryErrorCode } from "@ferry/core";

export const ADAPTER_NAME = "webdav";

/** A response with a status the operation did not expect. */
export class HttpStatusError extends Error {
  constructor(
    readonly status: number,
    readonly statusText: string,
  ) {
    super(`HTTP ${status}${statusText ? ` ${statusText}` : ""}`);
    this.name = "HttpStatusError";
  }
}

function codeForStatus(status: number): FerryErrorCode {
  if (status === 404 || status === 410) return "NotFound";
  if (status === 401 || status === 403) return "Unauthorized";
  // 412 precondition failed, 423 locked (RFC 4918), 409 conflict
  if (status === 409 || status === 412 || status === 423) return "Conflict";
  // 507 insufficient storage will not get better by retrying
  if (status === 507) return "Provider";
  if (status === 501) return "Unsupported";
  if (status === 408 || status === 429 || status >= 500) return "Transient";
  return "Provider";
}

const HINTS: Partial<Record<number, string>> = {
  401: "check the WebDAV user and password (--webdav-user / --webdav-password, FERRY_WEBDAV_USER / FERRY_WEBDAV_PASSWORD)",
  403: "the WebDAV account may not do this here",
  423: "the resource is locked by another WebDAV client",
  507: "the WebDAV server is out of space (or over quota)",
};

export interface MapContext {
  key?: string;
  operation?: string;
}

/** Translates HTTP statuses and network failures into FerryErrors. Messages never carry credentials. */
export function toWebdavError(e: unknown, context: MapContext = {}): FerryError {
  const options = { adapter: ADAPTER_NAME, key: context.key, cause: e };
  if (isFerryError(e)) return toFerryError(e, { adapter: ADAPTER_NAME, key: context.key });
  const where = [context.operation, context.key].filter(Boolean).join(" ");
  const prefix = where ? `${where}: ` : "";
  if (isAbortError(e)) return new FerryError("Aborted", `${prefix}aborted`, options);
  const status = (e as { status?: unknown } | null)?.status;
  if (typeof status === "number") {
    const statusText = (e as { statusText?: unknown }).statusText;
    const text = typeof statusText === "string" && statusText ? ` ${statusText}` : "";
    const hint = HINTS[status];
    return new FerryError(codeForStatus(status), `${prefix}HTTP ${status}${text}`, { ...options, ...(hint ? { hint } : {}) });
  }
  const code = (e as { code?: unknown } | null)?.code;
  if (code === "ECONNREFUSED" || code === "ENOTFOUND" || code === "EHOSTUNREACH") {
    return new FerryError("Unreachable", `${prefix}cannot connect (${String(code)})`, { ...options, retryable: code !== "ENOTFOUND" });
  }
  return toFerryError(e, options);
}
