#!/usr/bin/env node
// Usage: with-servers.mjs [--only s3,azure] -- <command> [args...]
// Starts the test servers, runs the command with their endpoints in the environment, stops them,
// and exits with the command's exit code.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadServers, startServers, stopServers } from "../src/registry.mjs";

const argv = process.argv.slice(2);
const dash = argv.indexOf("--");
const opts = dash === -1 ? argv : argv.slice(0, dash);
const cmd = dash === -1 ? [] : argv.slice(dash + 1);
let only;
for (let i = 0; i < opts.length; i++) {
  if (opts[i] === "--only") only = opts[++i].split(",").filter(Boolean);
}
if (cmd.length === 0) {
  console.error("usage: with-servers.mjs [--only s3,azure,...] -- <command> [args...]");
  process.exit(2);
}

const baseDir = fs.mkdtempSync(path.join(os.tmpdir(), "ferry-test-servers-"));
const servers = await loadServers(only);
let started = [];
let env = {};
try {
  ({ env, started } = await startServers(servers, baseDir));
} catch (e) {
  console.error(`test-servers: could not start: ${e?.message ?? e}`);
  process.exit(1);
}
env.FERRY_TEST_SERVERS = started.map((s) => s.name).join(",");

const child = spawn(cmd[0], cmd.slice(1), { stdio: "inherit", env: { ...process.env, ...env } });
const forward = (sig) => child.kill(sig);
process.on("SIGINT", forward);
process.on("SIGTERM", forward);
const code = await new Promise((resolve) => child.on("exit", (c, sig) => resolve(c ?? (sig ? 1 : 0))));
await stopServers(started);
fs.rmSync(baseDir, { recursive: true, force: true });
process.exit(code);
