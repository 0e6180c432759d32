import { describe, expect, it } from "vitest";
import { HttpStatusError, toWebdavError } from "./errors.js";

describe("webdav error mapping", () => {
  it.each([
    [404, "NotFound", false],
    [401, "Unauthorized", false],
    [403, "Unauthorized", false],
    [423, "Conflict", false],
    [412, "Conflict", false],
    [507, "Provider", false],
    [500, "Transient", true],
    [503, "Transient", true],
    [429, "Transient", true],
    [400, "Provider", false],
  ] as const)("HTTP %i → %s", (status, code, retryable) => {
    const e = toWebdavError(new HttpStatusError(status, "Text"), { key: "a/b.txt", operation: "write" });
    expect(e.code).toBe(code);
    expect(e.retryable).toBe(retryable);
    expect(e.key).toBe("a/b.txt");
    expect(e.adapter).toBe("webdav");
    expect(e.message).toBe(`write a/b.txt: HTTP ${status} Text`);
  });

  it("maps network failures", () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" });
    expect(toWebdavError(refused)).toMatchObject({ code: "Unreachable", retryable: true });
    const reset = Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
    expect(toWebdavError(reset)).toMatchObject({ code: "Transient", retryable: true });
    const aborted = Object.assign(new Error("The operation was aborted"), { name: "AbortError" });
    expect(toWebdavError(aborted).code).toBe("Aborted");
  });
});
