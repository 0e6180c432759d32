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
import { haveGnuTime } from "../src/measure.mjs";
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
  console.log(formatResults(results));
if (opt.json) {
  fs.writeFileSync(opt.json, `${JSON.stringify(results, null, 2)}\n`);
  log(`results written to ${opt.json}`);
}
const failed = results.targets.some((r) => Object.values(r.runs).some((x) => x.initial?.error || x.noop?.error));
process.exit(failed ? 1 : 0);
