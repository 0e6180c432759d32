import { FerryError, isFerryError, toFerryError, type FerryErrorCode } from "@ferry/core";

export const ADAPTER_NAME = "sftp";

/** SFTP v3 status codes (draft-ietf-secsh-filexfer-02 §7). */
const SFTP_STATUS: Record<number, { code: FerryErrorCode; what: string }> = {
  1: { code: "NotFound", what: "end of file" },
  2: { code: "NotFound", what: "no such file" },
  3: { code: "Unauthorized", what: "permission denied" },
  4: { code: "Provider", what: "failure" },
  5: { code: "Provider", what: "bad message" },
  6: { code: "Transient", what: "no connection" },
  7: { code: "Transient", what: "connection lost" },
  8: { code: "Unsupported", what: "operation unsupported" },
};

/** ssh2 errors raised when a connection or channel goes away under an operation. */
const LOST_CONNECTION = /no response from server|channel (?:not open|closed)|connection (?:lost|closed)|not connected|socket (?:hang up|closed)|read ECONNRESET|keepalive timeout|timed out while waiting for handshake/i;

export interface MapContext {
  key?: string;
  /** what was being done, for the message: "read", "write", "list" */
  operation?: string;
}

/** Translates anything ssh2 throws into a FerryError. Messages name the key, never credentials. */
export function toSftpError(e: unknown, context: MapContext = {}): FerryError {
  if (isFerryError(e)) return toFerryError(e, { adapter: ADAPTER_NAME, key: context.key });
  const err = e as { code?: unknown; level?: unknown; message?: unknown } | null;
  const message = typeof err?.message === "string" ? err.message : String(e);
  const where = [context.operation, context.key].filter(Boolean).join(" ");
  const prefix = where ? `${where}: ` : "";
  const options = { adapter: ADAPTER_NAME, key: context.key, cause: e };

  if (typeof err?.code === "number" && SFTP_STATUS[err.code]) {
    const { code, what } = SFTP_STATUS[err.code]!;
    const detail = message && message.toLowerCase() !== what ? ` (${message})` : "";
    return new FerryError(code, `${prefix}${what}${detail}`, options);
  }
  if (err?.level === "client-authentication") {
    return new FerryError("Unauthorized", `${prefix}SSH authentication failed`, options);
  }
  if (err?.code === "ECONNREFUSED" || err?.code === "ENOTFOUND" || err?.code === "EHOSTUNREACH") {
    // a refused connection may be a restarting server: worth a retry, and exit 3 if it stays so
    return new FerryError("Unreachable", `${prefix}cannot connect (${String(err.code)})`, {
      ...options,
      retryable: err.code !== "ENOTFOUND",
    });
  }
  if (err?.level === "client-timeout" || LOST_CONNECTION.test(message)) {
    return new FerryError("Transient", `${prefix}${message}`, options);
  }
  return toFerryError(e, options);
}
