// One timed command of the local→S3 benchmark: wall time, the command's CPU time and peak RSS
// (GNU time: %U + %S, %M), and the CPU the S3 server spent meanwhile (from /proc, since the
// server shares the machine's cores with the tool and is part of what a run costs).
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { BINARIES } from "./s3-setup.mjs";

const TAIL = 8000;

/**
 * @param {{ cmd: string, args: string[], env: Record<string, string> }} run
 * @param {{ serverPid?: number, timeoutMs?: number }} [options]
 */
export function measure(run, options = {}) {
  const timeFile = path.join(os.tmpdir(), `ferry-bench-s3-time-${process.pid}-${Math.random().toString(36).slice(2)}`);
  const serverBefore = cpuSecondsOf(options.serverPid);
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    const child = spawn(BINARIES.time, ["-f", "%e %M %U %S", "-o", timeFile, run.cmd, ...run.args], { env: run.env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (c) => (stdout = (stdout + c).slice(-TAIL)));
    child.stderr.setEncoding("utf8").on("data", (c) => (stderr = (stderr + c).slice(-TAIL)));
    const timer = options.timeoutMs ? setTimeout(() => child.kill("SIGKILL"), options.timeoutMs) : undefined;
    const done = (code, spawnError) => {
      clearTimeout(timer);
      const wall = Number(process.hrtime.bigint() - started) / 1e9;
      const serverAfter = cpuSecondsOf(options.serverPid);
      let rssMB = null;
      let cpu = null;
      try {
        const lines = fs.readFileSync(timeFile, "utf8").trim().split("\n");
        const m = /^([\d.]+) (\d+) ([\d.]+) ([\d.]+)$/.exec(lines.at(-1) ?? "");
        if (m) {
          rssMB = Number(m[2]) / 1024;
          cpu = Number(m[3]) + Number(m[4]);
        }
      } catch {
        // time could not run the command
      }
      fs.rmSync(timeFile, { force: true });
      if (spawnError) stderr += String(spawnError.message);
      const serverCpu = serverBefore !== undefined && serverAfter !== undefined ? serverAfter - serverBefore : null;
      resolve({ ok: code === 0, code, wall, cpu, rssMB, serverCpu, stdout, stderr });
    };
    child.on("error", (e) => done(null, e));
    child.on("close", (code) => done(code));
  });
}

const TICKS = 100; // USER_HZ: 100 on every Linux this runs on

/** user + system CPU seconds of a process (Linux /proc), or undefined. */
export function cpuSecondsOf(pid) {
  if (!pid) return undefined;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    // fields after the ")" that closes the command name: state is field 3, utime 14, stime 15
    const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(rest[11]) + Number(rest[12])) / TICKS;
  } catch {
    return undefined;
  }
}

/** The pid of the s3rver listening on the endpoint's port (its command line names the port). */
export function findServerPid(endpoint) {
  const port = new URL(endpoint).port;
  try {
    for (const d of fs.readdirSync("/proc")) {
      if (!/^\d+$/.test(d)) continue;
      let cmd;
      try {
        cmd = fs.readFileSync(`/proc/${d}/cmdline`, "utf8").split("\0");
      } catch {
        continue;
      }
      const i = cmd.indexOf("--port");
      if (cmd.some((a) => a.includes("s3rver")) && i !== -1 && cmd[i + 1] === port) return Number(d);
    }
  } catch {
    // no /proc
  }
  return undefined;
}
