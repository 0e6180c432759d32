import { spawn } from "node:child_process";
import { ensureDebianPackages } from "../debian.mjs";
import { freePort, waitForPort } from "../ports.mjs";

/**
 * Debian's `redis-server` for @ferry/cluster's distributed tests (BullMQ needs Redis ≥ 5).
 * - `--save "" --appendonly no`: a test server keeps nothing on disk, so stopping it is instant
 *   and a stale dump can never leak jobs from one run into the next.
 * - bound to 127.0.0.1 on a free port: several test runs may share the machine.
 * - no password: tests that need one create an ACL user at run time (`ACL SETUSER`), which also
 *   exercises ACL-user URLs.
 */
export const name = "redis";

const BINARY = "/usr/bin/redis-server";

export async function start({ dir, log }) {
  ensureDebianPackages(["redis-server"], { binaries: [BINARY] });
  const port = await freePort();
  const args = [
    "--port", String(port),
    "--bind", "127.0.0.1",
    "--save", "",
    "--appendonly", "no",
    "--dir", dir,
    "--daemonize", "no",
    "--loglevel", "warning",
    // BullMQ warns (and may lose jobs) under any other policy
    "--maxmemory-policy", "noeviction",
  ];
  const child = spawn(BINARY, args, { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const keep = (chunk) => {
    output = (output + chunk.toString()).slice(-2000);
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  const exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve(code ?? signal)));
  let running = true;
  void exited.then(() => {
    running = false;
  });

  const stop = async () => {
    if (!running) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => {
      log("did not stop on SIGTERM; killing");
      child.kill("SIGKILL");
    }, 5_000);
    await exited;
    clearTimeout(timer);
  };

  try {
    await Promise.race([
      waitForPort(port, { timeoutMs: 30_000 }),
      exited.then((c) => Promise.reject(new Error(`redis-server exited early (${c}): ${output.trim().split("\n").slice(-5).join(" | ")}`))),
    ]);
  } catch (e) {
    await stop();
    throw e;
  }
  return {
    env: { FERRY_TEST_REDIS_URL: `redis://127.0.0.1:${port}` },
    stop,
  };
}
