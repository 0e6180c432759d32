#!/usr/bin/env node
// ferry's local→S3 benchmark against rclone and the aws cli (issue 4). Kept apart from
// bench.mjs (local/memory benchmarks); `bench.mjs local-s3` can hand over to this file.
//
//   node tooling/test-servers/bin/with-servers.mjs --only s3 -- node tooling/bench/bin/bench-s3.mjs [local-s3] [options]
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { formatLocalS3, runLocalS3, S3_TOOLS } from "../src/s3-bench.mjs";
import { BINARIES, ensureTools, s3ServerFromEnv, versionOf } from "../src/s3-setup.mjs";

const USAGE = `usage: node tooling/test-servers/bin/with-servers.mjs --only s3 -- \\
         node tooling/bench/bin/bench-s3.mjs [local-s3] [options]

  local-s3              local → S3 on the test s3rver: initial sync and no-op re-run (default)

  --only a,b,…          tools: ${S3_TOOLS.join(", ")} (default all)
  --repeat N            runs per measurement; the table shows medians (default 1)
  --files N             small files (default 2000)
  --file-size BYTES     size of each small file (default 4096)
  --big-size BYTES      the one big file (default 33554432 = 32 MiB)
  --ferry-args="…"      extra flags for ferry (e.g. --ferry-args="--transfers 32"; note the =)
  --profile             also run ferry under --cpu-prof and print where its time went
  --json FILE           also write the results as JSON
  --work-dir DIR        where the source tree goes (default /tmp/ferry-bench-s3; kept between runs)
`;

let parsed;
try {
  parsed = parseArgs({
    allowPositionals: true,
    options: {
      only: { type: "string" },
      repeat: { type: "string", default: "1" },
      files: { type: "string", default: "2000" },
      "file-size": { type: "string", default: "4096" },
      "big-size": { type: "string", default: String(32 * 1024 * 1024) },
      "ferry-args": { type: "string", default: "" },
      profile: { type: "boolean", default: false },
      json: { type: "string" },
      "work-dir": { type: "string", default: path.join(os.tmpdir(), "ferry-bench-s3") },
      help: { type: "boolean", short: "h", default: false },
    },
  });
} catch (e) {
  console.error(`${e.message}\n\n${USAGE}`);
  process.exit(2);
}
const { values: opt, positionals } = parsed;
if (opt.help) {
  console.log(USAGE);
  process.exit(0);
}
const fail = (msg, code = 2) => {
  console.error(`bench-s3: ${msg}`);
  process.exit(code);
};
if (positionals.length > 1 || (positionals[0] ?? "local-s3") !== "local-s3") fail(`unknown command ${positionals.join(" ")}\n\n${USAGE}`);
const int = (name, min) => {
  const n = Number(opt[name]);
  if (!Number.isInteger(n) || n < min) fail(`--${name} must be an integer ≥ ${min}`);
  return n;
};
const repeat = int("repeat", 1);
const treeShape = { files: int("files", 0), fileSize: int("file-size", 1), bigSize: int("big-size", 0) };
const tools = opt.only ? opt.only.split(",").map((s) => s.trim()).filter(Boolean) : S3_TOOLS;
for (const t of tools) if (!S3_TOOLS.includes(t)) fail(`unknown tool "${t}" (${S3_TOOLS.join(", ")})`);
const repo = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../../..");
const workDir = path.resolve(opt["work-dir"]);
if (workDir === repo || workDir.startsWith(`${repo}/`)) fail(`--work-dir must be outside the repository (${repo})`);
const bin = path.join(repo, "apps", "cli", "dist", "bin.js");
if (tools.includes("ferry") && !fs.existsSync(bin)) fail(`${bin} is missing: build first (pnpm exec turbo run build)`, 1);

const log = (s) => console.error(s);
let server;
try {
  server = s3ServerFromEnv();
} catch (e) {
  fail(e.message, 1);
}
const missing = ensureTools(log);
if (missing.includes("time")) fail("GNU time (/usr/bin/time) is needed to measure CPU and peak RSS", 1);
const runnable = tools.filter((t) => t === "ferry" || !missing.includes(t));
for (const t of tools.filter((t) => !runnable.includes(t))) log(`skipping ${t}: ${BINARIES[t]} is not installed`);
fs.mkdirSync(workDir, { recursive: true });

const versions = {
  ferry: `ferry ${versionOf(process.execPath, [bin, "--version"]) ?? "?"} (node ${process.version})`,
  rclone: versionOf(BINARIES.rclone, ["version"]),
  aws: versionOf(BINARIES.aws, ["--version"]),
};
log(`machine: ${os.cpus().length} CPUs (${os.cpus()[0]?.model?.trim()}), load ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}`);
for (const t of runnable) log(`${t}: ${versions[t] ?? "?"}`);

const options = { repo, workDir, server, tools: runnable, repeat, tree: treeShape, ferryArgs: opt["ferry-args"].split(/\s+/).filter(Boolean), profile: opt.profile, log };
const res = await runLocalS3(options);
console.log(formatLocalS3(res, options));
console.log(`load average after: ${os.loadavg().map((l) => l.toFixed(1)).join(" ")} (${os.cpus().length} CPUs; the server runs on the same machine)`);
if (opt.json) {
  const strip = (m) => ({ wall: m.wall, cpu: m.cpu, rssMB: m.rssMB, serverCpu: m.serverCpu, ok: m.ok, ...(m.error ? { error: m.error } : {}) });
  const results = Object.fromEntries(Object.entries(res.results).map(([t, ph]) => [t, Object.fromEntries(Object.entries(ph).map(([p, ms]) => [p, ms.map(strip)]))]));
  fs.writeFileSync(opt.json, JSON.stringify({ tree: res.tree, shape: treeShape, repeat, versions, results, failures: res.failures, notes: res.extra }, null, 2));
}
process.exit(res.failures.length ? 1 : 0);
