import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { bodyOf, digestStream, failingBody, pseudoRandomBody, pseudoRandomSlice, readBody } from "../src/bodies.js";
import { crc32cHex } from "../src/crc32c.js";

describe("test bodies", () => {
  it("pseudoRandomSlice matches the bytes of the streamed body at any offset", async () => {
    const size = 3 * 1024 * 1024 + 123;
    const whole = await readBody(pseudoRandomBody(size, 42));
    expect(whole.length).toBe(size);
    for (const [start, end] of [[0, 0], [5, 1024 * 1024 + 9], [2 * 1024 * 1024 - 1, size - 1]] as const) {
      expect(pseudoRandomSlice(42, start, end).equals(whole.subarray(start, end + 1))).toBe(true);
    }
    const digest = await digestStream(pseudoRandomBody(size, 42));
    expect(digest.sha256).toBe(createHash("sha256").update(whole).digest("hex"));
  });

  it("different seeds give different bytes", async () => {
    const a = await readBody(pseudoRandomBody(4096, 1));
    const b = await readBody(pseudoRandomBody(4096, 2));
    expect(a.equals(b)).toBe(false);
  });

  it("bodyOf streams strings, bytes and nothing", async () => {
    expect((await readBody(bodyOf("héllo"))).toString()).toBe("héllo");
    expect((await readBody(bodyOf(new Uint8Array([1, 2])))).length).toBe(2);
    expect((await readBody(bodyOf(""))).length).toBe(0);
  });

  it("failingBody delivers bytes, then errors", async () => {
    let seen = 0;
    const body = failingBody(100_000);
    body.on("data", (c: Buffer) => (seen += c.length));
    await expect(readBody(body)).rejects.toThrow("simulated body failure");
    expect(seen).toBe(100_000);
  });
});

describe("crc32c", () => {
  it("matches the standard check value", () => {
    expect(crc32cHex(Buffer.from("123456789"))).toBe("e3069283");
    expect(crc32cHex(Buffer.alloc(0))).toBe("00000000");
  });
});
