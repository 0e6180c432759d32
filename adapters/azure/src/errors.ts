import { FerryError, isAbortError, isFerryError, type FerryErrorCode } from "@ferry/core";

/**
 * Azure SDK errors (RestError and the network errors under it) → FerryError, with messages in
 * our words and every known secret (account key, SAS token, connection string) scrubbed.
 */

export interface AzureErrorContext {
  container: string;
  key?: string;
  operation: string;
  /** service URL for display, without any SAS */
  endpoint: string;
  secrets?: readonly string[];
  signal?: AbortSignal;
}

const ADAPTER = "azure";

const NOT_FOUND = new Set(["BlobNotFound", "ResourceNotFound"]);
const UNAUTHORIZED = new Set([
  "AuthenticationFailed",
  "AuthorizationFailure",
  "AuthorizationPermissionMismatch",
  "AuthorizationResourceTypeMismatch",
  "AuthorizationSourceIPMismatch",
  "AuthorizationProtocolMismatch",
  "AuthorizationServiceMismatch",
  "InsufficientAccountPermissions",
  "AccountIsDisabled",
  "NoAuthenticationInformation",
  "InvalidAuthenticationInfo",
  "CredentialUnavailableError",
  "AuthenticationRequiredError",
]);
const TRANSIENT = new Set(["ServerBusy", "InternalError", "OperationTimedOut", "ServiceUnavailable", "TimeoutError"]);
const CONFLICT = new Set(["ConditionNotMet", "TargetConditionNotMet", "SourceConditionNotMet", "LeaseIdMissing", "LeaseIdMismatchWithBlobOperation", "BlobArchived", "BlobBeingRehydrated"]);
const NETWORK_TRANSIENT = new Set(["ECONNRESET", "ECONNREFUSED", "ETIMEDOUT", "EPIPE", "EAI_AGAIN", "ENETUNREACH", "EHOSTUNREACH", "ECONNABORTED", "ENOTCONN", "REQUEST_SEND_ERROR"]);

interface AzureErrorShape {
  name?: string;
  code?: string;
  statusCode?: number;
  message?: string;
  details?: { errorCode?: string };
  cause?: unknown;
}

export function describeAzureError(e: unknown): { code: string | undefined; status: number | undefined; network: string | undefined } {
  const err = (e ?? {}) as AzureErrorShape;
  const candidates = [err.code, (err.cause as AzureErrorShape | undefined)?.code];
  const network = candidates.find((c) => typeof c === "string" && /^(E[A-Z]+|REQUEST_SEND_ERROR)$/.test(c));
  const code = err.details?.errorCode ?? (err.code && err.code !== network ? err.code : undefined) ?? (err.name && !["Error", "RestError"].includes(err.name) ? err.name : undefined);
  return { code, status: err.statusCode, network };
}

/** Removes secrets, and any SAS signature, from a text that might echo a URL. */
export function scrub(message: string, secrets: readonly string[] = []): string {
  let out = message;
  for (const s of secrets) if (s && s.length >= 4) out = out.split(s).join("***");
  return out.replace(/([?&]sig=)[^&\s"']+/gi, "$1***").replace(/(AccountKey=)[^;\s"']+/gi, "$1***");
}

/**
 * RestError carries the request (URL with any SAS, headers) and the response; neither is
 * wanted in an error that may be logged.
 */
function safeCause(e: unknown): unknown {
  if (!(e instanceof Error) || !("request" in e || "response" in e)) return e;
  const err = e as Error & AzureErrorShape;
  const copy = new Error(scrub(err.message));
  copy.name = err.name;
  copy.stack = err.stack ? scrub(err.stack) : undefined;
  Object.assign(copy, { code: err.code, statusCode: err.statusCode, details: { errorCode: err.details?.errorCode } });
  return copy;
}

function where(ctx: AzureErrorContext): string {
  return ctx.key === undefined ? `container "${ctx.container}"` : `${JSON.stringify(ctx.key)} in container "${ctx.container}"`;
}

export function toAzureError(e: unknown, ctx: AzureErrorContext): FerryError {
  if (isFerryError(e)) return e;
  const options = { adapter: ADAPTER, key: ctx.key, cause: safeCause(e) };
  if (isAbortError(e) || ctx.signal?.aborted) return new FerryError("Aborted", `azure: ${ctx.operation} ${where(ctx)} was aborted`, options);

  const { code, status, network } = describeAzureError(e);
  const make = (kind: FerryErrorCode, text: string, hint?: string) =>
    new FerryError(kind, scrub(`azure: cannot ${ctx.operation} ${where(ctx)}: ${text}`, ctx.secrets), { ...options, ...(hint ? { hint } : {}) });

  if (code === "ContainerNotFound") return make("NotFound", `container "${ctx.container}" does not exist`);
  if ((code && NOT_FOUND.has(code)) || status === 404) return make("NotFound", "not found");
  if ((code && UNAUTHORIZED.has(code)) || status === 401 || status === 403) {
    return make("Unauthorized", `access denied (${code ?? status})`, "check AZURE_STORAGE_CONNECTION_STRING, the account key or SAS token (and its permissions and expiry)");
  }
  if ((code && CONFLICT.has(code)) || status === 412) return make("Conflict", `the blob changed or is not usable now (${code ?? status})`);
  if (code === "InvalidRange" || status === 416) return make("Provider", "the requested range is not satisfiable");
  if (network === "ENOTFOUND") return make("Unreachable", `the endpoint ${ctx.endpoint} does not resolve (ENOTFOUND)`, "check the account name or --azure-endpoint");
  if (network && NETWORK_TRANSIENT.has(network)) return make("Transient", `cannot reach ${ctx.endpoint} (${network})`);
  if ((code && TRANSIENT.has(code)) || (status !== undefined && status >= 500) || status === 429 || status === 408) {
    return make("Transient", `the service is busy or failing (${code ?? status})`);
  }
  const message = ((e as AzureErrorShape)?.message ?? String(e)).split("\n")[0]!.slice(0, 300);
  return make("Provider", code ? `${code}: ${message}` : message);
}

export function isConnectionFailure(e: unknown): boolean {
  const { network } = describeAzureError(e);
  const message = (e as AzureErrorShape | undefined)?.message ?? "";
  return (
    network === "ECONNREFUSED" ||
    network === "ENOTFOUND" ||
    network === "EHOSTUNREACH" ||
    network === "ENETUNREACH" ||
    network === "EAI_AGAIN" ||
    /ECONNREFUSED|ENOTFOUND|EHOSTUNREACH/.test(message)
  );
}
