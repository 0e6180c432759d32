import { spawn } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { ensureDebianPackages } from "../debian.mjs";
import { freePort, waitForPort } from "../ports.mjs";

/**
 * Two real WebDAV servers, because they behave differently in the ways the adapter must handle:
 *
 * - `rclone serve webdav` (Debian `rclone`), basic auth, ETags that are the content's MD5,
 *   `getlastmodified` = upload time (rclone 1.60 ignores X-OC-Mtime).
 *   → FERRY_TEST_WEBDAV_URL / _USER / _PASSWORD
 * - `webdav-server@2` (npm) over a physical folder, digest auth, run in a child process so its
 *   data and CPU stay out of the test process. It is extended with ownCloud's X-OC-Mtime PUT
 *   header (the server sets the file's mtime and answers `X-OC-Mtime: accepted`), so the
 *   adapter's "native mtime" path for ownCloud/Nextcloud-like servers is exercised for real.
 *   → FERRY_TEST_WEBDAV_NODE_URL / _USER / _PASSWORD
 *
 * Run directly (`node webdav.mjs`) this module is the webdav-server child process.
 */
export const name = "webdav";

const USER = "ferry";
const RCLONE_PASSWORD = "rclone-secret-pw";
const NODE_PASSWORD = "node-secret-pw";

export async function start({ dir, log }) {
  ensureDebianPackages(["rclone"], { binaries: ["/usr/bin/rclone"] });
  const stops = [];
  try {
    const rclone = await startRclone(path.join(dir, "rclone"), log);
    stops.push(rclone.stop);
    const node = await startNodeServer(path.join(dir, "node"), log);
    stops.push(node.stop);
    return {
      env: { ...rclone.env, ...node.env },
      stop: async () => {
        for (const stop of stops.reverse()) await stop();
      },
    };
  } catch (e) {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    throw e;
  }
}

async function startRclone(dir, log) {
  const root = path.join(dir, "data");
  fs.mkdirSync(root, { recursive: true });
  const port = await freePort();
  const args = ["serve", "webdav", root, "--addr", `127.0.0.1:${port}`];
  // MD5 ETags make etag comparisons meaningful; no VFS cache so a PUT streams to disk. The
  // directory cache stays on (a 0s cache re-reads a folder on every request: quadratic); tests
  // must therefore change the served folder only through the server.
  args.push("--etag-hash", "MD5", "--vfs-cache-mode", "off", "--log-level", "ERROR");
  // rclone reads a config file even when serving a local path: keep it out of $HOME. The
  // credentials go in as RCLONE_<FLAG> variables rather than arguments, which `ps` shows.
  const env = { ...process.env, RCLONE_CONFIG: path.join(dir, "rclone.conf"), RCLONE_USER: USER, RCLONE_PASS: RCLONE_PASSWORD };
  const child = spawnLogged("/usr/bin/rclone", args, { env }, path.join(dir, "rclone.log"));
  await waitOrDie(child, port, "rclone serve webdav", path.join(dir, "rclone.log"));
  log(`rclone serve webdav on 127.0.0.1:${port} (${root})`);
  return {
    env: {
      FERRY_TEST_WEBDAV_URL: `http://127.0.0.1:${port}/`,
      FERRY_TEST_WEBDAV_USER: USER,
      FERRY_TEST_WEBDAV_PASSWORD: RCLONE_PASSWORD,
      FERRY_TEST_WEBDAV_ROOT: root,
    },
    stop: () => stopChild(child),
  };
}

async function startNodeServer(dir, log) {
  const root = path.join(dir, "data");
  fs.mkdirSync(root, { recursive: true });
  const port = await freePort();
  const logFile = path.join(dir, "webdav-server.log");
  const child = spawnLogged(process.execPath, [fileURLToPath(import.meta.url)], {
    env: {
      ...process.env,
      WEBDAV_CHILD_PORT: String(port),
      WEBDAV_CHILD_ROOT: root,
      WEBDAV_CHILD_USER: USER,
      WEBDAV_CHILD_PASSWORD: NODE_PASSWORD,
    },
  }, logFile);
  await waitOrDie(child, port, "webdav-server", logFile);
  log(`webdav-server (digest auth, X-OC-Mtime) on 127.0.0.1:${port} (${root})`);
  return {
    env: {
      FERRY_TEST_WEBDAV_NODE_URL: `http://127.0.0.1:${port}/`,
      FERRY_TEST_WEBDAV_NODE_USER: USER,
      FERRY_TEST_WEBDAV_NODE_PASSWORD: NODE_PASSWORD,
      FERRY_TEST_WEBDAV_NODE_ROOT: root,
    },
    stop: () => stopChild(child),
  };
}

function spawnLogged(cmd, args, options, logFile) {
  const out = fs.openSync(logFile, "a");
  const child = spawn(cmd, args, { ...options, stdio: ["ignore", out, out] });
  fs.closeSync(out);
  return child;
}

async function waitOrDie(child, port, what, logFile) {
  const exited = new Promise((_, reject) =>
    child.once("exit", (code) => reject(new Error(`${what} exited with ${code}: ${tail(logFile)}`))),
  );
  exited.catch(() => undefined);
  try {
    await Promise.race([waitForPort(port, { timeoutMs: 20_000 }), exited]);
  } catch (e) {
    child.kill("SIGKILL");
    throw e;
  }
}

function tail(file) {
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

/** The child process: webdav-server v2 on a physical folder, with X-OC-Mtime support. */
async function runNodeServerChild() {
  const require = createRequire(import.meta.url);
  const { v2: webdav } = require("webdav-server");
  const port = Number(process.env.WEBDAV_CHILD_PORT);
  const root = process.env.WEBDAV_CHILD_ROOT;

  const users = new webdav.SimpleUserManager();
  const user = users.addUser(process.env.WEBDAV_CHILD_USER, process.env.WEBDAV_CHILD_PASSWORD, false);
  const privileges = new webdav.SimplePathPrivilegeManager();
  privileges.setRights(user, "/", ["all"]);

  class MtimeHonouringFileSystem extends webdav.PhysicalFileSystem {
    // ownCloud's convention: a PUT may carry X-OC-Mtime (seconds); the server applies it once
    // the body is on disk and says so in the response.
    _openWriteStream(p, info, callback) {
      const requested = Number(info.context.headers.find("X-OC-Mtime", ""));
      super._openWriteStream(p, info, (e, stream) => {
        if (e || !requested || !Number.isFinite(requested)) return callback(e, stream);
        const realPath = this.getRealPath(p).realPath;
        const finish = stream.emit.bind(stream);
        // hold back "finish" (the PUT handler answers on it) until the mtime is applied
        stream.emit = (event, ...args) => {
          if (event !== "finish") return finish(event, ...args);
          fs.utimes(realPath, requested, requested, (err) => {
            if (!err) info.context.response.setHeader("X-OC-Mtime", "accepted");
            finish(event, ...args);
          });
          return true;
        };
        callback(null, stream);
      });
    }
  }

  const server = new webdav.WebDAVServer({
    hostname: "127.0.0.1",
    port,
    requireAuthentification: true,
    httpAuthentication: new webdav.HTTPDigestAuthentication(users, "ferry-test"),
    privilegeManager: privileges,
    rootFileSystem: new MtimeHonouringFileSystem(root),
    // deep listings are the adapter's job (depth 1 at a time), but allow what clients may ask
    maxRequestDepth: Infinity,
  });
  await new Promise((resolve) => server.start(resolve));
  const shutdown = () => server.stop(() => process.exit(0));
  process.on("SIGTERM", shutdown);
  process.on("SIGINT", shutdown);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runNodeServerChild().catch((e) => {
    process.stderr.write(`webdav-server child failed: ${e?.stack ?? e}\n`);
    process.exit(1);
  });
}
