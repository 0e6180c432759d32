import { FerryError, isAbortError, isFerryError, type FerryErrorCode } from "@ferry/core";

/**
 * The one place S3 SDK errors become FerryErrors. Messages are built from the error's code and
 * our own words (which key, which bucket, which endpoint); a provider message is only appended
 * for otherwise unknown errors, and every known secret is scrubbed from the result.
 */

export interface S3ErrorContext {
  bucket: string;
  /** key relative to the location, for messages and FerryError.key */
  key?: string;
  /** e.g. "read", "write", "list" */
  operation: string;
  /** endpoint for display (no credentials) */
  endpoint: string;
  /** strings that must never appear in a message (secret keys, session tokens) */
  secrets?: readonly string[];
  /** the operation's signal: once it fired, whatever failed failed because of it */
  signal?: AbortSignal;
}

const ADAPTER = "s3";

const NOT_FOUND = new Set(["NoSuchKey", "NotFound", "NoSuchVersion", "NoSuchUpload"]);
const UNAUTHORIZED = new Set([
  "AccessDenied",
  "AllAccessDisabled",
  "InvalidAccessKeyId",
  "SignatureDoesNotMatch",
  "InvalidToken",
  "ExpiredToken",
  "TokenRefreshRequired",
  "InvalidClientTokenId",
  "UnrecognizedClientException",
  "AccountProblem",
  "CredentialsProviderError",
]);
const TRANSIENT = new Set([
  "SlowDown",
  "Throttling",
  "ThrottlingException",
  "RequestThrottled",
  "RequestThrottledException",
  "TooManyRequestsException",
  "RequestTimeout",
  "RequestTimeoutException",
  "InternalError",
  "ServiceUnavailable",
  "OperationAborted",
  "TimeoutError",
  "RequestTimeTooSkewed",
]);
const CONFLICT = new Set(["PreconditionFailed", "ConditionalRequestConflict", "InvalidObjectState"]);
const NETWORK_TRANSIENT = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ETIMEDOUT",
  "EPIPE",
  "EAI_AGAIN",
  "ENETUNREACH",
  "EHOSTUNREACH",
  "ECONNABORTED",
  "ENOTCONN",
  "UND_ERR_SOCKET",
]);

interface SdkErrorShape {
  name?: string;
  code?: string;
  Code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  $retryable?: unknown;
  $fault?: string;
  cause?: unknown;
}

/** The S3 error code ("NoSuchKey"), the HTTP status and any Node network code of an SDK error. */
export function describeSdkError(e: unknown): { code: string | undefined; status: number | undefined; network: string | undefined } {
  const err = (e ?? {}) as SdkErrorShape;
  const network = [err.code, (err.cause as SdkErrorShape | undefined)?.code].find((c) => typeof c === "string" && /^(E[A-Z]+|UND_ERR_[A-Z_]+)$/.test(c));
  const code = err.Code ?? (err.name && err.name !== "Error" && err.name !== "S3ServiceException" ? err.name : undefined);
  return { code, status: err.$metadata?.httpStatusCode, network };
}

export function scrub(message: string, secrets: readonly string[] = []): string {
  let out = message;
  for (const s of secrets) if (s && s.length >= 4) out = out.split(s).join("***");
  return out;
}

function quoteKey(ctx: S3ErrorContext): string {
  return ctx.key === undefined ? `bucket "${ctx.bucket}"` : `${JSON.stringify(ctx.key)} in bucket "${ctx.bucket}"`;
}

/**
 * The SDK's error without `$response`: that holds the raw HTTP exchange, whose request headers
 * can carry a session token (a secret) and whose sockets we should not keep alive.
 */
function safeCause(e: unknown): unknown {
  if (!(e instanceof Error) || !("$response" in e)) return e;
  const err = e as Error & SdkErrorShape;
  const copy = new Error(err.message);
  copy.name = err.name;
  copy.stack = err.stack;
  Object.assign(copy, { Code: err.Code, code: err.code, $metadata: err.$metadata, $fault: err.$fault });
  return copy;
}

/** Maps anything the S3 SDK (or the network below it) throws into a FerryError. */
export function toS3Error(e: unknown, ctx: S3ErrorContext): FerryError {
  if (isFerryError(e)) return e;
  const options = { adapter: ADAPTER, key: ctx.key, cause: safeCause(e) };
  if (isAbortError(e) || ctx.signal?.aborted) return new FerryError("Aborted", `s3: ${ctx.operation} ${quoteKey(ctx)} was aborted`, options);

  const { code, status, network } = describeSdkError(e);
  const make = (kind: FerryErrorCode, text: string, hint?: string) =>
    new FerryError(kind, scrub(`s3: cannot ${ctx.operation} ${quoteKey(ctx)}: ${text}`, ctx.secrets), { ...options, ...(hint ? { hint } : {}) });

  if (code === "NoSuchBucket") return make("NotFound", `bucket "${ctx.bucket}" does not exist`);
  if ((code && NOT_FOUND.has(code)) || status === 404) return make("NotFound", "not found");
  if ((code && UNAUTHORIZED.has(code)) || status === 401 || status === 403) {
    const why = code === "CredentialsProviderError" ? "no AWS credentials were found" : `access denied (${code ?? status})`;
    return make("Unauthorized", why, "check AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or AWS_PROFILE, and the bucket's policy");
  }
  if (code && CONFLICT.has(code)) return make("Conflict", `the object changed or is not in a usable state (${code})`);
  if (code === "InvalidRange" || status === 416) return make("Provider", "the requested range is not satisfiable");
  if (network === "ENOTFOUND") {
    return make("Unreachable", `the endpoint ${ctx.endpoint} does not resolve (ENOTFOUND)`, "check --s3-endpoint / AWS_ENDPOINT_URL and the region");
  }
  if (network && NETWORK_TRANSIENT.has(network)) return make("Transient", `cannot reach ${ctx.endpoint} (${network})`);
  if ((code && TRANSIENT.has(code)) || (status !== undefined && status >= 500) || status === 429 || (e as SdkErrorShape).$retryable) {
    return make("Transient", `the service is busy or failing (${code ?? status})`);
  }
  const message = (e as SdkErrorShape)?.message ?? String(e);
  if (/region is missing/i.test(message)) {
    return make("Usage", "no AWS region is configured", "set AWS_REGION, --s3-region or a region in the AWS profile");
  }
  const text = code ? `${code}: ${message}` : message;
  return make("Provider", text.split("\n")[0]!.slice(0, 300));
}

/** Errors that connecting to an endpoint raises (as opposed to what the service answers). */
export function isConnectionFailure(e: unknown): boolean {
  const { network } = describeSdkError(e);
  return network === "ECONNREFUSED" || network === "ENOTFOUND" || network === "EHOSTUNREACH" || network === "ENETUNREACH" || network === "EAI_AGAIN";
}
