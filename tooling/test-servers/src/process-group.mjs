import { spawn } from "node:child_process";

/**
 * Spawns `cmd` as the leader of its own process group so stop() reaches anything it forks,
 * keeps the last lines of its output for error messages, and stops it by signalling the
 * whole group: SIGTERM, then SIGKILL if it has not exited within a few seconds.
 */
export function spawnGroup(cmd, args, options, log) {
  const child = spawn(cmd, args, { ...options, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const keep = (chunk) => {
    output = (output + chunk.toString()).slice(-2000);
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  const tail = () => (output.trim() ? `: ${output.trim().split("\n").slice(-5).join(" | ")}` : "");
  const exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve(code ?? signal)));
  let running = true;
  let stopping = false;
  exited.then((code) => {
    running = false;
    // a server dying under the tests explains the failures that follow; say so
    if (!stopping) log(`exited unexpectedly (${code})${tail()}`);
  });
  const signalGroup = (sig) => {
    try {
      process.kill(-child.pid, sig);
    } catch {
      // the group is already gone
    }
  };
  return {
    exited,
    tail,
    async stop() {
      if (!running) return;
      stopping = true;
      signalGroup("SIGTERM");
      const timer = setTimeout(() => {
        log("did not stop on SIGTERM; killing");
        signalGroup("SIGKILL");
      }, 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
