import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const serversDir = path.join(path.dirname(fileURLToPath(import.meta.url)), "servers");

/**
 * Every module in src/servers/ is one server:
 *   export const name = "s3";
 *   export async function start({ dir, log }) { ...; return { env: { FERRY_TEST_S3_ENDPOINT: … }, stop: async () => {} } }
 * `dir` is a scratch folder for the server's files; `env` is exported to the tests.
 */
export async function loadServers(only) {
  const files = fs.readdirSync(serversDir).filter((f) => f.endsWith(".mjs")).sort();
  const servers = [];
  for (const f of files) {
    const mod = await import(path.join(serversDir, f));
    if (!only || only.includes(mod.name)) servers.push(mod);
  }
  if (only) {
    const unknown = only.filter((n) => !servers.some((s) => s.name === n));
    if (unknown.length) throw new Error(`unknown test server(s): ${unknown.join(", ")}`);
  }
  return servers;
}

/** Starts the servers one by one; on failure stops those already started and rethrows. */
export async function startServers(servers, baseDir, log = (m) => process.stderr.write(`test-servers: ${m}\n`)) {
  const started = [];
  const env = {};
  try {
    for (const s of servers) {
      const dir = path.join(baseDir, s.name);
      fs.mkdirSync(dir, { recursive: true });
      const t0 = Date.now();
      const handle = await s.start({ dir, log: (m) => log(`${s.name}: ${m}`) });
      started.push({ name: s.name, handle });
      Object.assign(env, handle.env);
      log(`${s.name} up in ${Date.now() - t0} ms`);
    }
  } catch (e) {
    await stopServers(started);
    throw e;
  }
  return { env, started };
}

export async function stopServers(started) {
  for (const { name, handle } of [...started].reverse()) {
    try {
      await handle.stop();
    } catch (e) {
      process.stderr.write(`test-servers: stopping ${name} failed: ${e?.message ?? e}\n`);
    }
  }
}
