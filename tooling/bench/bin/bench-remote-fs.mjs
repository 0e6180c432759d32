#!/usr/bin/env node
// ferry against rsync and rclone on remote file systems: local → SFTP and local → WebDAV, on
// the same data in one run, against the real servers of tooling/test-servers:
//
//   node tooling/test-servers/bin/with-servers.mjs --only webdav,sftp -- node tooling/bench/bin/bench-remote-fs.mjs
//
// Prints wall time, CPU time (user + sys of the client) and peak RSS per tool for an initial
// copy and a no-op re-run, and the ratios ferry ÷ other. See --help.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import { cacheState, ensureBinaries, machine, settle } from "../src/env.mjs";
import { formatRemoteTarget, runRemoteTarget } from "../src/remote-fs-run.mjs";
import { DEFAULT_REMOTE_TOOLS, REMOTE_TOOLS, REPO_ROOT, resolveRemoteTools, serversFromEnv } from "../src/remote-fs-tools.mjs";
import { describeTree, parseSize, writeTree } from "../src/remote-fs-tree.mjs";

const ALL = [...new Set([...REMOTE_TOOLS.sftp, ...REMOTE_TOOLS.webdav])];
const USAGE = `usage: node tooling/test-servers/bin/with-servers.mjs --only webdav,sftp -- \\
         node tooling/bench/bin/bench-remote-fs.mjs [options]

  --targets sftp,webdav   which servers (default both)
  --only a,b,…            tools: ${ALL.join(", ")} (default ${DEFAULT_REMOTE_TOOLS.join(",")};
                          rsync and rclone-nohash (rclone without its per-upload md5sum
                          over ssh) run against sftp only; rclone16 = rclone with ferry's 16/16)
  --files N               small files (default 2000)
  --file-size SIZE        size of each small file (default 4K)
  --big SIZE              one big file of this size, 0 for none (default 32M)
  --repeat N              runs per measurement, tables show medians (default 1)
  --profile               also run ferry under node --cpu-prof (untimed) and show where its time goes
  --json FILE             also write the results as JSON
  --work-dir DIR          where the source tree and profiles go (default /tmp/ferry-bench-remote)
  --keep                  keep the copies on the servers (default: removed at the end)
  --report FILE           print the tables of a saved --json FILE again (no servers needed)
`;

let parsed;
try {
  parsed = parseArgs({
    options: {
      targets: { type: "string", default: "sftp,webdav" },
      only: { type: "string" },
      files: { type: "string", default: "2000" },
      "file-size": { type: "string", default: "4K" },
      big: { type: "string", default: "32M" },
      repeat: { type: "string", default: "1" },
      profile: { type: "boolean", default: false },
      json: { type: "string" },
      "work-dir": { type: "string", default: path.join(os.tmpdir(), "ferry-bench-remote") },
      keep: { type: "boolean", default: false },
      report: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
} catch (e) {
  console.error(`${e.message}\n\n${USAGE}`);
  process.exit(2);
}
const opt = parsed.values;
if (opt.help) {
  console.log(USAGE);
  process.exit(0);
}
const fail = (msg, code = 2) => {
  console.error(`bench-remote-fs: ${msg}`);
  process.exit(code);
};

function formatResults(results) {
  const m = results.meta.machine;
  const versions = new Map();
  for (const r of results.targets) for (const t of r.tools) if (!t.skip) versions.set(t.name, t.version);
  const header = [
    `ferry bench remote-fs — ${results.meta.date} — repeat ${results.meta.repeat}${results.meta.repeat > 1 ? " (medians)" : ""}`,
    `machine: ${m.cpus} × ${m.cpuModel ?? "cpu"}, ${m.memGiB} GiB, Linux ${m.kernel}, node ${m.node}, load ${m.loadavg}`,
    `servers on this machine (loopback): their CPU competes with the client's; "cpu" is the client's user+sys, RSS its peak (GNU time)`,
    ...[...versions].map(([name, v]) => `  ${name.padEnd(14)} ${v}`),
  ];
  return `\n${header.join("\n")}\n\n${results.targets.map((r) => formatRemoteTarget(r, { treeDesc: results.meta.tree.desc })).join("\n\n")}\n`;
}

if (opt.report) {
  let saved;
  try {
    saved = JSON.parse(fs.readFileSync(opt.report, "utf8"));
  } catch (e) {
    fail(`cannot read ${opt.report}: ${e.message}`);
  }
  console.log(formatResults(saved));
  process.exit(0);
}

const targets = opt.targets.split(",").map((s) => s.trim()).filter(Boolean);
for (const t of targets) if (!(t in REMOTE_TOOLS)) fail(`unknown target "${t}" (sftp, webdav)`);
const toolNames = opt.only ? opt.only.split(",").map((s) => s.trim()).filter(Boolean) : DEFAULT_REMOTE_TOOLS;
for (const t of toolNames) if (!ALL.includes(t)) fail(`unknown tool "${t}" (known: ${ALL.join(", ")})`);
const repeat = Number(opt.repeat);
if (!Number.isInteger(repeat) || repeat < 1) fail("--repeat must be a positive integer");
let spec;
try {
  spec = { files: Number(opt.files), fileSize: parseSize(opt["file-size"]), bigSize: parseSize(opt.big) };
} catch (e) {
  fail(e.message);
}
if (!Number.isInteger(spec.files) || spec.files < 1) fail("--files must be a positive integer");
const workDir = path.resolve(opt["work-dir"]);
if (workDir === REPO_ROOT || workDir.startsWith(`${REPO_ROOT}/`)) fail(`--work-dir must be outside the repository (${REPO_ROOT})`);

// the servers: a benchmark without them is a usage error naming the command, never a silent skip
const servers = serversFromEnv();
for (const t of targets) {
  if (servers[t].missing) {
    fail(
      `the ${t} test server is not running (${servers[t].missing.join(", ")} unset); run:\n  node tooling/test-servers/bin/with-servers.mjs --only webdav,sftp -- node tooling/bench/bin/bench-remote-fs.mjs`,
    );
  }
}

const log = (s) => console.error(s);
const wanted = ["/usr/bin/time"];
if (toolNames.some((t) => t.startsWith("rclone"))) wanted.push("rclone");
if (toolNames.includes("rsync") && targets.includes("sftp")) wanted.push("rsync", "ssh");
const missing = ensureBinaries(wanted, log);
if (missing.has("/usr/bin/time")) log(`note: /usr/bin/time unavailable (${missing.get("/usr/bin/time")}): CPU and peak RSS will show as "?"`);

const runId = randomBytes(3).toString("hex");
fs.mkdirSync(workDir, { recursive: true });
const src = path.join(workDir, `src-${runId}`);
const treeDesc = describeTree(spec);
log(`writing the source tree: ${treeDesc} → ${src}`);
writeTree(src, spec);
settle();

const results = {
  meta: { date: new Date().toISOString(), tree: { ...spec, desc: treeDesc }, repeat, machine: machine(), gnuTime: fs.existsSync("/usr/bin/time"), pageCache: cacheState() },
  targets: [],
};
const titles = {
  sftp: () => `local → SFTP (${servers.sftp.describe})`,
  webdav: () => `local → WebDAV (${servers.webdav.describe})`,
};

const started = performance.now();
const copies = [];
try {
  for (const target of targets) {
    const tools = resolveRemoteTools(target, servers[target], toolNames, { missing });
    for (const t of tools) log(t.skip ? `  ${t.name}: SKIPPED — ${t.skip}` : `  ${t.name}: ${t.version}\n      ${t.command}`);
    const result = await runRemoteTarget({
      target,
      title: titles[target](),
      tools,
      spec,
      src,
      repeat,
      runId,
      log,
      ...(opt.profile ? { profileDir: path.join(workDir, `profiles-${runId}`) } : {}),
    });
    copies.push(...result.copies);
    results.targets.push(result);
  }
} finally {
  if (!opt.keep) for (const c of copies) fs.rmSync(c, { recursive: true, force: true });
  fs.rmSync(src, { recursive: true, force: true });
}
results.meta.seconds = Math.round((performance.now() - started) / 1000);
results.meta.loadAfter = machine().loadavg;

console.log(formatResults(results));
if (opt.json) {
  fs.writeFileSync(opt.json, `${JSON.stringify(results, null, 2)}\n`);
  log(`results written to ${opt.json}`);
}
const failed = results.targets.some((r) => Object.values(r.runs).some((x) => x.initial?.error || x.noop?.error));
process.exit(failed ? 1 : 0);
