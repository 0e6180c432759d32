import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ensureDebianPackages } from "../debian.mjs";
import { freePort, waitForPort } from "../ports.mjs";

/**
 * OpenSSH's sshd (Debian `openssh-server`) on a free loopback port, with a generated host key
 * and a generated ed25519 client key for the current user. Only public-key auth is allowed, so
 * a wrong key or any password is refused for real.
 */
export const name = "sftp";

const SSHD = "/usr/sbin/sshd";

export async function start({ dir, log }) {
  ensureDebianPackages(["openssh-server"], { binaries: [SSHD, "/usr/bin/ssh-keygen"] });
  dir = path.resolve(dir);
  const scratch = path.join(dir, "root");
  fs.mkdirSync(scratch, { recursive: true });
  ensurePrivilegeSeparationDir();

  const hostKey = path.join(dir, "ssh_host_ed25519_key");
  const clientKey = path.join(dir, "client_ed25519");
  keygen(hostKey, "ferry-test-host");
  keygen(clientKey, "ferry-test-client");
  const authorizedKeys = path.join(dir, "authorized_keys");
  fs.writeFileSync(authorizedKeys, fs.readFileSync(`${clientKey}.pub`), { mode: 0o600 });

  const port = await freePort();
  const config = path.join(dir, "sshd_config");
  fs.writeFileSync(config, sshdConfig({ port, hostKey, authorizedKeys, pidFile: path.join(dir, "sshd.pid") }));

  // sshd refuses relative paths to itself (it re-execs); -e sends its log to stderr
  const logFile = path.join(dir, "sshd.log");
  const out = fs.openSync(logFile, "a");
  const child = spawn(SSHD, ["-D", "-e", "-f", config], { stdio: ["ignore", out, out] });
  fs.closeSync(out);
  const exited = new Promise((_, reject) =>
    child.once("exit", (code) => reject(new Error(`sshd exited with ${code}: ${readTail(logFile)}`))),
  );
  exited.catch(() => undefined);
  try {
    await Promise.race([waitForPort(port, { timeoutMs: 20_000 }), exited]);
  } catch (e) {
    child.kill("SIGKILL");
    throw e;
  }

  const knownHosts = path.join(dir, "known_hosts");
  const [keyType, keyData] = fs.readFileSync(`${hostKey}.pub`, "utf8").trim().split(/\s+/);
  fs.writeFileSync(knownHosts, `[127.0.0.1]:${port} ${keyType} ${keyData}\n`);
  log(`sshd on 127.0.0.1:${port} as ${os.userInfo().username} (scratch ${scratch})`);

  return {
    env: {
      FERRY_TEST_SFTP_HOST: "127.0.0.1",
      FERRY_TEST_SFTP_PORT: String(port),
      FERRY_TEST_SFTP_USER: os.userInfo().username,
      FERRY_TEST_SFTP_KEY_FILE: clientKey,
      FERRY_TEST_SFTP_KNOWN_HOSTS: knownHosts,
      FERRY_TEST_SFTP_ROOT: scratch,
    },
    stop: () => stopChild(child),
  };
}

function sshdConfig({ port, hostKey, authorizedKeys, pidFile }) {
  return [
    `Port ${port}`,
    "ListenAddress 127.0.0.1",
    `HostKey ${hostKey}`,
    `PidFile ${pidFile}`,
    `AuthorizedKeysFile ${authorizedKeys}`,
    // the scratch tree lives under /tmp with the test runner's ownership and modes
    "StrictModes no",
    "UsePAM no",
    "PubkeyAuthentication yes",
    "PasswordAuthentication no",
    "KbdInteractiveAuthentication no",
    // CI runs as root; keys only, never passwords
    "PermitRootLogin prohibit-password",
    "Subsystem sftp internal-sftp",
    // the adapter's pool opens several connections and exec channels at once
    "MaxStartups 64:30:128",
    "MaxSessions 64",
    "LogLevel ERROR",
    "",
  ].join("\n");
}

function keygen(file, comment) {
  execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", file], { stdio: "ignore" });
}

/** sshd started as root insists on its privilege-separation directory even when nobody else uses it. */
function ensurePrivilegeSeparationDir() {
  const asRoot = typeof process.getuid === "function" && process.getuid() === 0;
  try {
    fs.mkdirSync("/run/sshd", { recursive: true, mode: 0o755 });
  } catch (e) {
    // an unprivileged sshd (a developer's machine) does without it
    if (asRoot && e.code !== "EEXIST") throw new Error(`cannot create /run/sshd (sshd needs it): ${e.message}`);
  }
}

function readTail(file) {
  try {
    return fs.readFileSync(file, "utf8").slice(-2000);
  } catch {
    return "";
  }
}

function stopChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill("SIGTERM");
  });
}
