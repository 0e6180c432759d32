// The servers and tools of the remote file-system benchmark, from the FERRY_TEST_* variables
// that tooling/test-servers exports (start with `with-servers.mjs --only webdav,sftp -- …`).
//
// local → SFTP (OpenSSH sshd, ed25519 key, known_hosts checked by every tool)
//   ferry    node apps/cli/dist/bin.js sync SRC sftp://USER@HOST:PORT/ROOT/DST --delete --quiet
//              --sftp-key-file KEY --sftp-known-hosts KNOWN_HOSTS
//   rsync    rsync -a --delete -e "ssh -p PORT -i KEY -o UserKnownHostsFile=KNOWN_HOSTS …" SRC/ USER@HOST:ROOT/DST/
//   rclone   rclone sync SRC :sftp,host=HOST,port=PORT,user=USER,key_file=KEY,known_hosts_file=KNOWN_HOSTS:ROOT/DST
//            (rclone's defaults: --transfers 4 --checkers 8; rclone16 adds --transfers 16 --checkers 16)
//   rclone-nohash  the same with disable_hashcheck=true: by default rclone verifies every upload
//            by running md5sum on the server over an ssh exec channel (a process per file), which
//            dominates its time; ferry verifies only with --verify
// local → WebDAV (rclone serve webdav, basic auth)
//   ferry    node apps/cli/dist/bin.js sync SRC webdav://HOST:PORT/DST/ --delete --quiet --webdav-user USER
//              (password from FERRY_WEBDAV_PASSWORD)
//   rclone   rclone sync SRC :webdav,url='URL',user=USER,pass=$(rclone obscure PASSWORD):DST
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { versionOf } from "./env.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = path.resolve(here, "../../..");
export const CLI = path.join(REPO_ROOT, "apps/cli/dist/bin.js");

export const REMOTE_TOOLS = { sftp: ["ferry", "rsync", "rclone", "rclone-nohash", "rclone16"], webdav: ["ferry", "rclone", "rclone16"] };
export const DEFAULT_REMOTE_TOOLS = ["ferry", "rsync", "rclone", "rclone-nohash"];

const SFTP_VARS = ["HOST", "PORT", "USER", "KEY_FILE", "KNOWN_HOSTS", "ROOT"].map((v) => `FERRY_TEST_SFTP_${v}`);
const WEBDAV_VARS = ["URL", "USER", "PASSWORD", "ROOT"].map((v) => `FERRY_TEST_WEBDAV_${v}`);

/** The servers whose variables are set; the others come back with the variables they lack. */
export function serversFromEnv(env = process.env) {
  const missing = (vars) => vars.filter((v) => !env[v]);
  const out = {};
  const sftpMissing = missing(SFTP_VARS);
  out.sftp = sftpMissing.length
    ? { missing: sftpMissing }
    : {
        host: env.FERRY_TEST_SFTP_HOST,
        port: Number(env.FERRY_TEST_SFTP_PORT),
        user: env.FERRY_TEST_SFTP_USER,
        keyFile: env.FERRY_TEST_SFTP_KEY_FILE,
        knownHosts: env.FERRY_TEST_SFTP_KNOWN_HOSTS,
        root: env.FERRY_TEST_SFTP_ROOT,
        describe: `OpenSSH sshd on ${env.FERRY_TEST_SFTP_HOST}:${env.FERRY_TEST_SFTP_PORT}`,
      };
  const davMissing = missing(WEBDAV_VARS);
  out.webdav = davMissing.length
    ? { missing: davMissing }
    : {
        url: env.FERRY_TEST_WEBDAV_URL,
        user: env.FERRY_TEST_WEBDAV_USER,
        password: env.FERRY_TEST_WEBDAV_PASSWORD,
        root: env.FERRY_TEST_WEBDAV_ROOT,
        describe: `rclone serve webdav on ${new URL(env.FERRY_TEST_WEBDAV_URL).host}`,
      };
  return out;
}

/** The environment every tool runs in: none of the caller's ferry/rclone settings, no ssh agent. */
function baseEnv() {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined || k.startsWith("FERRY_") || k.startsWith("RCLONE_") || k === "SSH_AUTH_SOCK") continue;
    env[k] = v;
  }
  return { ...env, CI: "1" };
}
const rcloneEnv = () => ({ ...baseEnv(), RCLONE_CONFIG: "/dev/null" });

function ferryVersion() {
  try {
    return `ferry ${execFileSync(process.execPath, [CLI, "--version"], { encoding: "utf8", timeout: 30_000 }).trim()} (CLI, node ${process.version})`;
  } catch {
    return "ferry (version unknown)";
  }
}

/**
 * A tool against one server: { name, version, command (for the header), argv(src, dst) → [cmd,
 * args], env, onServer(dst) → the copy's folder on this machine, nodeArgs? }. `dst` is a plain
 * folder name under the server's scratch root. Unavailable tools come back with `skip`.
 *
 * @param {"sftp" | "webdav"} target
 * @param {string[]} names
 * @param {{ missing: Map<string, string> }} options
 */
export function resolveRemoteTools(target, server, names, { missing = new Map() } = {}) {
  const tools = [];
  const rcloneVersion = () => versionOf("rclone", ["version"]) ?? "rclone (version unknown)";
  for (const name of names) {
    if (!REMOTE_TOOLS[target].includes(name)) continue;
    const bin = name.startsWith("rclone") ? "rclone" : name === "rsync" ? "rsync" : undefined;
    if (bin && missing.has(bin)) {
      tools.push({ name, skip: `${bin} is not installed (${missing.get(bin)})` });
      continue;
    }
    if (name === "ferry" && !fs.existsSync(CLI)) {
      tools.push({ name, skip: `${CLI} is not built (pnpm exec turbo run build --output-logs=errors-only)` });
      continue;
    }
    const onServer = (dst) => path.join(server.root, dst);
    const rcloneExtra = name === "rclone16" ? ["--transfers", "16", "--checkers", "16"] : [];
    const rcloneNote = name === "rclone16" ? "  (ferry's defaults: --transfers 16 --checkers 16)" : "  (defaults: --transfers 4 --checkers 8)";
    if (target === "sftp") {
      const { host, port, user, keyFile, knownHosts, root } = server;
      switch (name) {
        case "ferry":
          tools.push({
            name,
            version: ferryVersion(),
            command: `node apps/cli/dist/bin.js sync SRC sftp://${user}@${host}:${port}${root}/DST --delete --quiet --sftp-key-file KEY --sftp-known-hosts KNOWN_HOSTS`,
            argv: (src, dst, nodeArgs = []) => [
              process.execPath,
              [...nodeArgs, CLI, "sync", src, `sftp://${encodeURIComponent(user)}@${host}:${port}${root}/${dst}`, "--delete", "--quiet", "--sftp-key-file", keyFile, "--sftp-known-hosts", knownHosts],
            ],
            env: baseEnv(),
            onServer,
          });
          break;
        case "rsync": {
          const ssh = `ssh -p ${port} -i ${keyFile} -o UserKnownHostsFile=${knownHosts} -o GlobalKnownHostsFile=/dev/null -o StrictHostKeyChecking=yes -o BatchMode=yes -o IdentitiesOnly=yes`;
          tools.push({
            name,
            version: `${versionOf("rsync")?.replace(/\s+/g, " ") ?? "rsync"}; ${sshVersion()}`,
            command: `rsync -a --delete -e "ssh -p ${port} -i KEY -o UserKnownHostsFile=KNOWN_HOSTS -o BatchMode=yes …" SRC/ ${user}@${host}:${root}/DST/`,
            argv: (src, dst) => ["rsync", ["-a", "--delete", "-e", ssh, `${src}/`, `${user}@${host}:${root}/${dst}/`]],
            env: baseEnv(),
            onServer,
          });
          break;
        }
        case "rclone":
        case "rclone-nohash":
        case "rclone16": {
          const nohash = name === "rclone-nohash" ? ",disable_hashcheck=true" : "";
          const note = name === "rclone-nohash" ? "  (no md5sum per upload; defaults otherwise)" : rcloneNote;
          tools.push({
            name,
            version: rcloneVersion(),
            command: `rclone sync SRC :sftp,host=${host},port=${port},user=${user},key_file=KEY,known_hosts_file=KNOWN_HOSTS${nohash}:${root}/DST${rcloneExtra.length ? ` ${rcloneExtra.join(" ")}` : ""}${note}`,
            argv: (src, dst) => ["rclone", ["sync", src, `:sftp,host=${host},port=${port},user=${user},key_file=${keyFile},known_hosts_file=${knownHosts}${nohash}:${root}/${dst}`, "-q", ...rcloneExtra]],
            env: rcloneEnv(),
            onServer,
          });
          break;
        }
      }
    } else {
      const { url, user, password } = server;
      const host = new URL(url).host;
      switch (name) {
        case "ferry":
          tools.push({
            name,
            version: ferryVersion(),
            command: `node apps/cli/dist/bin.js sync SRC webdav://${host}/DST/ --delete --quiet --webdav-user ${user}  (FERRY_WEBDAV_PASSWORD)`,
            argv: (src, dst, nodeArgs = []) => [process.execPath, [...nodeArgs, CLI, "sync", src, `webdav://${host}/${dst}/`, "--delete", "--quiet", "--webdav-user", user]],
            env: { ...baseEnv(), FERRY_WEBDAV_PASSWORD: password },
            onServer,
          });
          break;
        case "rclone":
        case "rclone16": {
          let obscured;
          try {
            obscured = execFileSync("rclone", ["obscure", password], { encoding: "utf8", env: rcloneEnv() }).trim();
          } catch (e) {
            tools.push({ name, skip: `rclone obscure failed: ${e.message}` });
            break;
          }
          tools.push({
            name,
            version: rcloneVersion(),
            command: `rclone sync SRC :webdav,url='${url}',user=${user},pass=$(rclone obscure PASSWORD):DST${rcloneExtra.length ? ` ${rcloneExtra.join(" ")}` : ""}${rcloneNote}`,
            argv: (src, dst) => ["rclone", ["sync", src, `:webdav,url='${url}',user=${user},pass=${obscured}:${dst}`, "-q", ...rcloneExtra]],
            env: rcloneEnv(),
            onServer,
          });
          break;
        }
      }
    }
  }
  return tools;
}

/** `ssh -V` prints its version on stderr */
function sshVersion() {
  const r = spawnSync("ssh", ["-V"], { encoding: "utf8", timeout: 10_000 });
  return `${r.stderr ?? ""}${r.stdout ?? ""}`.trim().split("\n")[0] || "ssh";
}
