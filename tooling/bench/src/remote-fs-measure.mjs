// Runs one command under GNU time: wall time (hrtime around the spawn), CPU (user + sys, %U+%S:
// the client's, including children it waited for, e.g. rsync's ssh) and peak RSS (%M: the
// largest single process). Commands still running when the benchmark is interrupted are
// killed, so an interrupted run leaves no rclone/rsync behind.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { GNU_TIME, readGnuTime } from "./measure.mjs";

const TAIL = 4000;
const running = new Set();

let hooked = false;
function killOnInterrupt() {
  if (hooked) return;
  hooked = true;
  for (const signal of ["SIGINT", "SIGTERM"]) {
    process.once(signal, () => {
      for (const child of running) {
        // GNU time passes signals on to its command only for some; kill the whole group
        try {
          process.kill(-child.pid, "SIGKILL");
        } catch {
          child.kill("SIGKILL");
        }
      }
      process.exit(130);
    });
  }
}

/**
 * @returns {Promise<{ ok: boolean, code: number | null, signal: string | null, wall: number, cpu: number | null, rssMB: number | null, stdout: string, stderr: string }>}
 */
export function measureCommand(cmd, args, { env, timeoutMs } = {}) {
  killOnInterrupt();
  const useTime = fs.existsSync(GNU_TIME);
  const timeFile = path.join(os.tmpdir(), `ferry-bench-remote-time-${process.pid}-${Math.random().toString(36).slice(2)}`);
  const [file, argv] = useTime ? [GNU_TIME, ["-f", "%e %M %U %S", "-o", timeFile, cmd, ...args]] : [cmd, args];
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    // its own process group, so an interrupt can take the command's children down with it
    const child = spawn(file, argv, { env: env ?? process.env, stdio: ["ignore", "pipe", "pipe"], detached: true });
    running.add(child);
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (c) => (stdout = (stdout + c).slice(-TAIL)));
    child.stderr.setEncoding("utf8").on("data", (c) => (stderr = (stderr + c).slice(-TAIL)));
    const timer = timeoutMs ? setTimeout(() => process.kill(-child.pid, "SIGKILL"), timeoutMs) : undefined;
    const done = (code, signal, spawnError) => {
      clearTimeout(timer);
      running.delete(child);
      const wall = Number(process.hrtime.bigint() - started) / 1e9;
      const { rssMB, cpu } = useTime ? readGnuTime(timeFile) : { rssMB: null, cpu: null };
      if (spawnError) stderr += String(spawnError.message);
      resolve({ ok: code === 0, code, signal, wall, cpu, rssMB, stdout, stderr });
    };
    child.on("error", (e) => done(null, null, e));
    child.on("close", (code, signal) => done(code, signal));
  });
}
