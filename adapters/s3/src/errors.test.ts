import { describe, expect, it } from "vitest";
import { toS3Error, type S3ErrorContext } from "./errors.js";

const ctx: S3ErrorContext = { bucket: "bkt", key: "dir/a.txt", operation: "read", endpoint: "http://127.0.0.1:9", secrets: ["SECRET-VALUE-123"] };

function sdkError(name: string, status: number, message = "provider says no", extra: Record<string, unknown> = {}) {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status }, $fault: status >= 500 ? "server" : "client", ...extra });
}

describe("S3 error mapping", () => {
  it.each([
    ["NoSuchKey", 404, "NotFound"],
    ["NotFound", 404, "NotFound"],
    ["NoSuchBucket", 404, "NotFound"],
    ["AccessDenied", 403, "Unauthorized"],
    ["InvalidAccessKeyId", 403, "Unauthorized"],
    ["SignatureDoesNotMatch", 403, "Unauthorized"],
    ["ExpiredToken", 400, "Unauthorized"],
    ["SlowDown", 503, "Transient"],
    ["InternalError", 500, "Transient"],
    ["RequestTimeout", 400, "Transient"],
    ["Throttling", 400, "Transient"],
    ["PreconditionFailed", 412, "Conflict"],
    ["InvalidArgument", 400, "Provider"],
  ])("%s (%i) → %s", (name, status, code) => {
    const e = toS3Error(sdkError(name, status), ctx);
    expect(e.code).toBe(code);
    expect(e.adapter).toBe("s3");
    expect(e.key).toBe("dir/a.txt");
    expect(e.retryable).toBe(code === "Transient");
    expect(e.message).toContain('"dir/a.txt"');
    expect(e.message).toContain('bucket "bkt"');
  });

  it("names a missing bucket", () => {
    expect(toS3Error(sdkError("NoSuchBucket", 404), ctx).message).toContain('bucket "bkt" does not exist');
  });

  it("maps network failures to Transient, and an unknown host to Unreachable", () => {
    const reset = Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
    expect(toS3Error(reset, ctx).code).toBe("Transient");
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9"), { code: "ECONNREFUSED" });
    const e = toS3Error(refused, ctx);
    expect(e.code).toBe("Transient");
    expect(e.message).toContain("http://127.0.0.1:9");
    expect(toS3Error(Object.assign(new Error("getaddrinfo ENOTFOUND x"), { code: "ENOTFOUND" }), ctx).code).toBe("Unreachable");
  });

  it("maps aborts to Aborted", () => {
    const abort = Object.assign(new Error("Request aborted"), { name: "AbortError" });
    expect(toS3Error(abort, ctx).code).toBe("Aborted");
    const signal = AbortSignal.abort();
    expect(toS3Error(new Error("whatever broke"), { ...ctx, signal }).code).toBe("Aborted");
  });

  it("never lets a known secret into a message", () => {
    const leaky = sdkError("WeirdError", 400, "the key SECRET-VALUE-123 was rejected");
    const e = toS3Error(leaky, ctx);
    expect(e.message).not.toContain("SECRET-VALUE-123");
    expect(JSON.stringify(e)).not.toContain("SECRET-VALUE-123");
  });

  it("drops the raw HTTP exchange from the cause (it may carry a session token)", () => {
    const e = toS3Error(sdkError("AccessDenied", 403, "denied", { $response: { headers: { "x-amz-security-token": "TOKEN" } } }), ctx);
    expect(JSON.stringify(e.cause)).not.toContain("TOKEN");
    expect((e.cause as { $response?: unknown }).$response).toBeUndefined();
  });
});
