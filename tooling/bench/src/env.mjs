// The machine side of the benchmark: installing the Debian packages the comparison needs,
// describing the machine, flushing writes and (where allowed) dropping the page cache.
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";

/** Debian package that provides each binary the benchmark calls. */
const PACKAGES = { rclone: "rclone", rsync: "rsync", "/usr/bin/time": "time", cp: "coreutils" };

export function which(bin) {
  if (bin.includes("/")) return fs.existsSync(bin) ? bin : undefined;
  for (const dir of (process.env.PATH ?? "").split(":")) {
    const p = `${dir}/${bin}`;
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return undefined;
}

/**
 * Installs (with apt-get, as root) the packages of the missing binaries. Returns the binaries
 * still missing afterwards, each with the reason, so their tools can be skipped with a message.
 */
export function ensureBinaries(bins, log = console.error) {
  const missing = bins.filter((b) => !which(b));
  if (!missing.length) return new Map();
  const pkgs = [...new Set(missing.map((b) => PACKAGES[b] ?? b))];
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  let why = "";
  if (!isRoot) why = "not root, cannot apt-get install";
  else if (!which("apt-get")) why = "no apt-get on this machine";
  else {
    log(`installing ${pkgs.join(" ")} with apt-get …`);
    const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
    const install = () => spawnSync("apt-get", ["install", "-y", "--no-install-recommends", ...pkgs], { env, stdio: ["ignore", "ignore", "pipe"], encoding: "utf8" });
    let r = install();
    if (r.status !== 0) {
      // a fresh machine often has no package lists yet
      spawnSync("apt-get", ["update"], { env, stdio: "ignore" });
      r = install();
    }
    if (r.status !== 0) why = `apt-get install ${pkgs.join(" ")} failed: ${(r.stderr ?? "").trim().split("\n").pop()}`;
  }
  const still = new Map();
  for (const b of missing) if (!which(b)) still.set(b, why || "not installed");
  return still;
}

/** First line of `cmd --version` (or undefined). */
export function versionOf(cmd, args = ["--version"]) {
  try {
    const out = execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], timeout: 10_000 });
    return out.split("\n").find((l) => l.trim())?.trim();
  } catch {
    return undefined;
  }
}

export function machine() {
  const cpus = os.cpus();
  let load;
  try {
    load = os.loadavg().map((l) => l.toFixed(2)).join(" ");
  } catch {
    load = "?";
  }
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model?.trim(),
    memGiB: Math.round(os.totalmem() / 2 ** 30),
    kernel: os.release(),
    node: process.version,
    loadavg: load,
  };
}

let canDrop;

/** --warm: never drop the page cache (every tool then reads a warm cache) */
export function keepCacheWarm() {
  canDrop = false;
  warmByChoice = true;
}
let warmByChoice = false;

/**
 * Flushes dirty pages (sync) so one tool's writeback is not billed to the next, then tries to
 * drop the page cache. Returns true when the cache was dropped. After the first failure it
 * stops trying (containers refuse it even to root), so every measurement is treated alike.
 */
export function settle() {
  spawnSync("sync", [], { stdio: "ignore" });
  if (canDrop === false) return false;
  try {
    fs.writeFileSync("/proc/sys/vm/drop_caches", "3\n");
    canDrop = true;
  } catch {
    canDrop = false;
  }
  return canDrop;
}

export const cacheState = () =>
  canDrop
    ? "dropped before every run (cold)"
    : warmByChoice
      ? "warm (--warm; every tool reads from a warm cache)"
      : "warm (drop_caches not permitted; every tool reads from a warm cache)";
