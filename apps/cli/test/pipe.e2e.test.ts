import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { BIN, assertBuilt, cleanEnv } from "./binary.js";

describe("output into a pipe that closes early (ferry … | head)", () => {
  it("ends quietly with exit 0, no stack trace", async () => {
    assertBuilt();
    const child = spawn(process.execPath, [BIN, "completion", "bash"], { env: cleanEnv(), stdio: ["ignore", "pipe", "pipe"] });
    // the reader is gone before ferry writes a byte
    child.stdout.destroy();
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)));
    expect(stderr).not.toMatch(/EPIPE|\n\s+at /);
    expect(code).toBe(0);
  });
});
