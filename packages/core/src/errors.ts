/**
 * FerryError is the one error type that crosses layer boundaries. Adapters translate their
 * SDK's errors into it, so the core (retry policy, reporting, exit codes) never inspects
 * vendor errors.
 */
export type FerryErrorCode =
  | "NotFound" // key, bucket, container or path does not exist
  | "Unauthorized" // credentials missing, wrong or not allowed (401/403)
  | "Conflict" // precondition failed, locked, already exists, changed since planning
  | "InvalidKey" // a key that may not be written (traversal, NUL, empty, …)
  | "Transient" // throttling, 5xx, resets, timeouts: retried
  | "Provider" // any other provider-side failure: not retried
  | "Usage" // bad input from the user: flags, URLs, config
  | "Unreachable" // a location that cannot be reached or does not exist at all
  | "Unsupported" // an operation or option the adapter cannot do
  | "Integrity" // verification found different bytes than were sent
  | "Refused" // a safety guard said no (max-delete, empty source)
  | "Aborted"; // the run was cancelled

export interface FerryErrorOptions {
  adapter?: string;
  key?: string;
  retryable?: boolean;
  cause?: unknown;
  /** a short hint telling the user how to fix it (printed after the message) */
  hint?: string;
}

const RETRYABLE_BY_DEFAULT: ReadonlySet<FerryErrorCode> = new Set(["Transient"]);

export class FerryError extends Error {
  override readonly name = "FerryError";
  readonly code: FerryErrorCode;
  readonly adapter: string | undefined;
  readonly key: string | undefined;
  readonly retryable: boolean;
  readonly hint: string | undefined;

  constructor(code: FerryErrorCode, message: string, options: FerryErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.adapter = options.adapter;
    this.key = options.key;
    this.retryable = options.retryable ?? RETRYABLE_BY_DEFAULT.has(code);
    this.hint = options.hint;
  }

  /** JSON-safe shape for events and saved results (the cause is left out: it may hold secrets). */
  toJSON(): { code: FerryErrorCode; message: string; adapter?: string; key?: string; retryable: boolean } {
    return {
      code: this.code,
      message: this.message,
      ...(this.adapter ? { adapter: this.adapter } : {}),
      ...(this.key !== undefined ? { key: this.key } : {}),
      retryable: this.retryable,
    };
  }
}

export function isFerryError(e: unknown): e is FerryError {
  return e instanceof FerryError || (typeof e === "object" && e !== null && (e as { name?: unknown }).name === "FerryError" && typeof (e as { code?: unknown }).code === "string");
}

const TRANSIENT_NODE_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ETIMEDOUT",
  "EPIPE",
  "EAI_AGAIN",
  "ENETUNREACH",
  "EHOSTUNREACH",
  "ENOTCONN",
  "ECONNABORTED",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
]);

/** True for errors a retry may cure. Unknown errors are not retried: retrying a bug hides it. */
export function isRetryable(e: unknown): boolean {
  if (isFerryError(e)) return e.retryable;
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === "string" && TRANSIENT_NODE_CODES.has(code);
}

export function isAbortError(e: unknown): boolean {
  if (isFerryError(e)) return e.code === "Aborted";
  const name = (e as { name?: unknown } | null)?.name;
  return name === "AbortError" || (e as { code?: unknown } | null)?.code === "ABORT_ERR";
}

/** Wraps anything thrown into a FerryError, keeping FerryErrors as they are. */
export function toFerryError(e: unknown, context: FerryErrorOptions = {}): FerryError {
  if (isFerryError(e)) {
    if ((context.key !== undefined && e.key === undefined) || (context.adapter && !e.adapter)) {
      return new FerryError(e.code, e.message, {
        adapter: e.adapter ?? context.adapter,
        key: e.key ?? context.key,
        retryable: e.retryable,
        cause: e.cause,
        hint: e.hint,
      });
    }
    return e;
  }
  if (isAbortError(e)) return new FerryError("Aborted", "the operation was aborted", { ...context, cause: e });
  const message = e instanceof Error ? e.message : String(e);
  const retryable = isRetryable(e);
  return new FerryError(retryable ? "Transient" : "Provider", message || "unknown error", { ...context, retryable, cause: e });
}
