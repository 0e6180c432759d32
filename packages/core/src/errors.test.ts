import { describe, expect, it } from "vitest";
import { FerryError, isRetryable, toFerryError } from "./errors.js";
import { withRetries } from "./execute/retry.js";

describe("retry classification", () => {
  it.each([
    [new FerryError("Transient", "503"), true],
    [new FerryError("NotFound", "gone"), false],
    [new FerryError("Unauthorized", "403"), false],
    [new FerryError("Provider", "x", { retryable: true }), true],
    [Object.assign(new Error("reset"), { code: "ECONNRESET" }), true],
    [Object.assign(new Error("timeout"), { code: "ETIMEDOUT" }), true],
    [Object.assign(new Error("nope"), { code: "ENOENT" }), false],
    [new TypeError("bug"), false],
  ])("%s → %s", (e, retryable) => {
    expect(isRetryable(e)).toBe(retryable);
  });

  it("wraps unknown errors without losing the key", () => {
    const e = toFerryError(new Error("boom"), { key: "a.txt", adapter: "s3" });
    expect(e.code).toBe("Provider");
    expect(e.key).toBe("a.txt");
    expect(e.toJSON()).toEqual({ code: "Provider", message: "boom", adapter: "s3", key: "a.txt", retryable: false });
  });
});

describe("withRetries", () => {
  const fast = { retries: 3, baseDelayMs: 1, maxDelayMs: 2 };
  it("retries transient errors then succeeds", async () => {
    let n = 0;
    const r = await withRetries(async () => {
      if (++n < 3) throw new FerryError("Transient", "busy");
      return "ok";
    }, fast);
    expect(r).toBe("ok");
    expect(n).toBe(3);
  });
  it("gives up after the retry budget", async () => {
    let n = 0;
    await expect(
      withRetries(async () => {
        n++;
        throw new FerryError("Transient", "busy");
      }, fast),
    ).rejects.toThrow("busy");
    expect(n).toBe(4);
  });
  it("never retries a permanent error", async () => {
    let n = 0;
    await expect(
      withRetries(async () => {
        n++;
        throw new FerryError("Unauthorized", "denied");
      }, fast),
    ).rejects.toThrow("denied");
    expect(n).toBe(1);
  });
  it("stops when aborted", async () => {
    const ac = new AbortController();
    ac.abort();
    await expect(withRetries(async () => "x", fast, ac.signal)).rejects.toMatchObject({ code: "Aborted" });
  });
});
