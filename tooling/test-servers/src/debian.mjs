import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";

/**
 * Installs Debian packages that a test server needs when they are missing. CI machines start
 * with nothing we installed by hand, so the test command must do this itself (as root).
 */
export function ensureDebianPackages(packages, { binaries = [] } = {}) {
  const missing = binaries.length
    ? binaries.some((b) => !fs.existsSync(b))
    : packages.some((p) => spawnSync("dpkg", ["-s", p], { stdio: "ignore" }).status !== 0);
  if (!missing) return;
  const asRoot = typeof process.getuid === "function" && process.getuid() === 0;
  const sudo = asRoot ? [] : ["sudo", "-n"];
  const run = (args) => {
    const [cmd, ...rest] = [...sudo, ...args];
    execFileSync(cmd, rest, { stdio: ["ignore", "inherit", "inherit"], env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
  };
  process.stderr.write(`test-servers: installing Debian packages ${packages.join(", ")}\n`);
  try {
    run(["apt-get", "install", "-y", "--no-install-recommends", ...packages]);
  } catch {
    run(["apt-get", "update"]);
    run(["apt-get", "install", "-y", "--no-install-recommends", ...packages]);
  }
}
