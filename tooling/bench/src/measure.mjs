// Runs one command and measures it: wall time (process.hrtime around the spawn), CPU time
// (user + system, GNU time's %U + %S: steadier than wall on a busy machine) and peak RSS
// (GNU time's %M, the ru_maxrss of the command from wait4 — for a command that forks, e.g.
// rsync's sender/receiver pair, that is the largest single process, not the sum).
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

export const GNU_TIME = "/usr/bin/time";

export const haveGnuTime = () => fs.existsSync(GNU_TIME);

const TAIL = 4000;
const keepTail = (s, chunk) => (s + chunk).slice(-TAIL);

/**
 * @param {string} cmd
 * @param {string[]} args
 * @param {{ cwd?: string, env?: NodeJS.ProcessEnv, timeoutMs?: number }} [options]
 * @returns {Promise<{ ok: boolean, code: number | null, signal: string | null, wall: number, cpu: number | null, rssMB: number | null, stdout: string, stderr: string }>}
 */
export function measure(cmd, args, options = {}) {
  const useTime = haveGnuTime();
  const timeFile = path.join(os.tmpdir(), `ferry-bench-time-${process.pid}-${Math.random().toString(36).slice(2)}`);
  const [file, argv] = useTime ? [GNU_TIME, ["-f", "%e %M %U %S", "-o", timeFile, cmd, ...args]] : [cmd, args];
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    const child = spawn(file, argv, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (c) => (stdout = keepTail(stdout, c)));
    child.stderr.setEncoding("utf8").on("data", (c) => (stderr = keepTail(stderr, c)));
    let timer;
    if (options.timeoutMs) timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs);
    const done = (code, signal, spawnError) => {
      clearTimeout(timer);
      const wall = Number(process.hrtime.bigint() - started) / 1e9;
      const { rssMB, cpu } = useTime ? readGnuTime(timeFile) : { rssMB: null, cpu: null };
      if (spawnError) stderr = keepTail(stderr, String(spawnError.message));
      // GNU time reports a command it could not run as status 127
      resolve({ ok: code === 0, code, signal, wall, cpu, rssMB, stdout, stderr });
    };
    child.on("error", (e) => done(null, null, e));
    child.on("close", (code, signal) => done(code, signal));
  });
}

/**
 * Peak RSS (MB) and CPU seconds (user + sys) from the file GNU time wrote with
 * `-f "%e %M %U %S"`, which it then removes; nulls when the command could not start.
 */
export function readGnuTime(timeFile) {
  let rssMB = null;
  let cpu = null;
  try {
    // "Command exited with non-zero status N" may precede the format line
    const lines = fs.readFileSync(timeFile, "utf8").trim().split("\n");
    const m = /^([\d.]+) (\d+) ([\d.]+) ([\d.]+)$/.exec(lines[lines.length - 1] ?? "");
    if (m) {
      rssMB = Number(m[2]) / 1024;
      cpu = Number(m[3]) + Number(m[4]);
    }
  } catch {
    // time did not write the file (the command could not start)
  }
  fs.rmSync(timeFile, { force: true });
  return { rssMB, cpu };
}
