import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { sync } from "@ferry/sdk";
import { afterAll, expect, it } from "vitest";
import { redisUrl } from "./servers.js";
import { makeTree, tempDir, removeTempDirs } from "./trees.js";
import { type WorkerProcess, startWorkers } from "./worker-process.js";

/**
 * Redis going away mid-run (here: frozen with SIGSTOP) must end the run with Unreachable — not
 * hang, and not delete anything. It needs a Redis of its own to freeze: the test servers'
 * redis-server binary, on another port.
 */

let redis: ChildProcess | undefined;
const workers: WorkerProcess[] = [];

afterAll(async () => {
  redis?.kill("SIGCONT");
  redis?.kill("SIGKILL");
  for (const w of workers) w.child.kill("SIGKILL");
  removeTempDirs();
});

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

async function ownRedis(): Promise<string> {
  const port = await freePort();
  redis = spawn("/usr/bin/redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
  for (let i = 0; i < 100; i++) {
    const up = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, "127.0.0.1", () => {
        s.destroy();
        resolve(true);
      });
      s.on("error", () => resolve(false));
    });
    if (up) return `redis://127.0.0.1:${port}`;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error("redis-server did not start");
}

it("losing Redis mid-run ends the run with Unreachable, before any delete", async () => {
  redisUrl(); // the test servers ran: redis-server is installed
  const queue = await ownRedis();
  workers.push(...(await startWorkers(1, queue, { args: ["--bwlimit", "64K", "--concurrency", "1"] })));
  const src = makeTree(300, { minSize: 2000, maxSize: 3000 });
  const dst = tempDir();
  fs.writeFileSync(path.join(dst, "stale.txt"), "must survive");
  let frozenAt = 0;
  let error: (Error & { code?: string }) | undefined;
  try {
    await sync(src, dst, {
      queue,
      batchKeys: 20,
      delete: true,
      maxDelete: "100%",
      onEvent: (e) => {
        if (e.type === "transfer" && !frozenAt) {
          frozenAt = Date.now();
          redis!.kill("SIGSTOP");
        }
      },
    });
  } catch (e) {
    error = e as Error & { code?: string };
  }
  expect(error).toMatchObject({ name: "FerryError", code: "Unreachable", message: expect.stringMatching(/lost the queue/) });
  expect(Date.now() - frozenAt).toBeLessThan(45_000);
  expect(fs.readFileSync(path.join(dst, "stale.txt"), "utf8")).toBe("must survive");
}, 90_000);
