import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { openLocation, sync } from "@ferry/sdk";
import { afterAll, describe, expect, it } from "vitest";
import { probeQueue, runWorker } from "../src/index.js";
import { makeTree, tempDir, removeTempDirs } from "./trees.js";

afterAll(() => removeTempDirs());

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

async function rejection(p: Promise<unknown>): Promise<Error & { code?: string; hint?: string }> {
  try {
    await p;
  } catch (e) {
    return e as Error & { code?: string };
  }
  throw new Error("expected a rejection");
}

describe("Redis unreachable at start", () => {
  it("sync with queue fails fast with FerryError Unreachable naming the redacted URL, before anything is written", async () => {
    const port = await closedPort();
    const src = makeTree(20);
    const dst = tempDir();
    const started = Date.now();
    const error = await rejection(sync(src, dst, { queue: `redis://ferry:hunter2@127.0.0.1:${port}` }));
    expect(Date.now() - started).toBeLessThan(8_000);
    expect(error).toMatchObject({ name: "FerryError", code: "Unreachable" });
    expect(error.message).toContain(`127.0.0.1:${port}`);
    expect(error.message).toContain("REDACTED");
    expect(`${error.message} ${error.hint ?? ""} ${JSON.stringify(error)}`).not.toContain("hunter2");
    expect(fs.readdirSync(dst)).toEqual([]);
  });

  it("probeQueue and runWorker say the same", async () => {
    const port = await closedPort();
    const url = `rediss://:hunter2@127.0.0.1:${port}`;
    const probe = await rejection(probeQueue(url));
    expect(probe).toMatchObject({ code: "Unreachable" });
    expect(probe.message).not.toContain("hunter2");
    const worker = await rejection(runWorker({ queue: url }));
    expect(worker).toMatchObject({ code: "Unreachable" });
  });

  it("the worker binary exits 3 without printing the password", async () => {
    const port = await closedPort();
    const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "dist", "worker-bin.js");
    const child = spawn(process.execPath, [bin, "--queue", `redis://u:hunter2@127.0.0.1:${port}`], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    expect(code).toBe(3);
    expect(out).toContain("cannot reach the queue");
    expect(out).not.toContain("hunter2");
  });
});

describe("locations a worker cannot open", () => {
  it("an adapter object or mem:// location is a Usage error, before Redis is contacted", async () => {
    const port = await closedPort();
    const queue = `redis://127.0.0.1:${port}`;
    const dst = tempDir();
    const adapter = await openLocation(`mem://cluster-${port}/`);
    expect(await rejection(sync(adapter, dst, { queue }))).toMatchObject({ code: "Usage", message: expect.stringMatching(/adapter object/) });
    expect(await rejection(sync(`mem://cluster-${port}/`, dst, { queue }))).toMatchObject({ code: "Usage", message: expect.stringMatching(/memory/) });
  });

  it("bad batch settings are Usage errors", async () => {
    const src = makeTree(2);
    const dst = tempDir();
    const queue = "redis://127.0.0.1:1";
    expect(await rejection(sync(src, dst, { queue, batchKeys: 0 }))).toMatchObject({ code: "Usage" });
    expect(await rejection(sync(src, dst, { queue, batchBytes: "lots" }))).toMatchObject({ code: "Usage" });
  });
});
