import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { fileURLToPath } from "node:url";
import type { WorkerEvent } from "../src/index.js";

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "dist", "worker-bin.js");

export interface WorkerProcess {
  child: ChildProcess;
  events: WorkerEvent[];
  /** resolves with the first event matching `match` (past or future) */
  waitFor(match: (e: WorkerEvent) => boolean, timeoutMs?: number): Promise<WorkerEvent>;
  exited: Promise<number | null>;
  stderr(): string;
  /** SIGTERM and wait (SIGKILL after a few seconds) */
  stop(): Promise<void>;
}

/**
 * A real worker process (dist/worker-bin.js --json) with exactly the environment given: no
 * credentials leak in from the test process, and HOME is empty so no ~/.aws is read.
 */
export function startWorker(queue: string, options: { env?: Record<string, string>; args?: string[] } = {}): WorkerProcess {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), "ferry-worker-home-"));
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: home,
    // no instance-metadata lookups for a worker without credentials: it fails at once
    AWS_EC2_METADATA_DISABLED: "true",
    ...options.env,
  };
  const child = spawn(process.execPath, [BIN, "--queue", queue, "--json", ...(options.args ?? [])], { env, stdio: ["ignore", "pipe", "pipe"] });
  const events: WorkerEvent[] = [];
  const listeners = new Set<() => void>();
  readline.createInterface({ input: child.stdout! }).on("line", (line) => {
    try {
      events.push(JSON.parse(line) as WorkerEvent);
    } catch {
      return;
    }
    for (const l of [...listeners]) l();
  });
  let err = "";
  child.stderr!.on("data", (d: Buffer) => {
    err = (err + d.toString()).slice(-4000);
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  void exited.then(() => {
    fs.rmSync(home, { recursive: true, force: true });
    for (const l of [...listeners]) l();
  });
  let done = false;
  void exited.then(() => (done = true));

  const waitFor = (match: (e: WorkerEvent) => boolean, timeoutMs = 30_000) =>
    new Promise<WorkerEvent>((resolve, reject) => {
      const check = () => {
        const found = events.find(match);
        if (found) {
          cleanup();
          resolve(found);
        } else if (done) {
          cleanup();
          reject(new Error(`worker exited before the awaited event; stderr: ${err}`));
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`worker event not seen within ${timeoutMs} ms; events: ${JSON.stringify(events.slice(-5))}; stderr: ${err}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        listeners.delete(check);
      };
      listeners.add(check);
      check();
    });

  return {
    child,
    events,
    waitFor,
    exited,
    stderr: () => err,
    async stop() {
      if (done) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

export async function startWorkers(n: number, queue: string, options: Parameters<typeof startWorker>[1] = {}): Promise<WorkerProcess[]> {
  const workers = Array.from({ length: n }, () => startWorker(queue, options));
  await Promise.all(workers.map((w) => w.waitFor((e) => e.type === "worker-ready")));
  return workers;
}
