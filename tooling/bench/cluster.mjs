#!/usr/bin/env node
// Distributed ferry (@ferry/cluster) against a local run, on one transfer-bound job:
//
//   node tooling/bench/cluster.mjs [--files 400] [--size 256K] [--bwlimit 2M] [--batch-keys 25]
//                                  [--rss-keys 100000] [--skip-rss] [--skip-throughput]
//
// 1. Throughput: local files → S3 (s3rver) three ways — a local run with --bwlimit, a coordinator
//    with 1 worker, and with 2 workers — each worker limited to --bwlimit, so the job is bound by
//    each machine's bandwidth (what scale-out is for), not by the S3 server or the CPU (the limit
//    is kept low because s3rver, the coordinator and the workers share this machine's cores).
//    Batches of 25 keys let a worker that is slowed down take fewer. Target: 2 workers ≥ 1.6× the
//    throughput of 1.
// 2. Memory: the coordinator's peak RSS on a distributed run of --rss-keys tiny keys (local →
//    local, 2 workers without limits: s3rver takes ~100 PUT/s here, too slow for 100k keys), and
//    on a run a tenth that size, to show it does not grow with the plan.
//
// Uses the test servers already running (FERRY_TEST_REDIS_URL, FERRY_TEST_S3_*), or starts its
// own. Needs the packages built: pnpm --filter @ferry/cluster... build
import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { loadServers, startServers, stopServers } from "../test-servers/src/registry.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const WORKER_BIN = path.resolve(here, "../../packages/cluster/dist/worker-bin.js");
const COORDINATOR = path.join(here, "cluster-coordinator.mjs");

const { values: opts } = parseArgs({
  options: {
    files: { type: "string", default: "400" },
    size: { type: "string", default: "256K" },
    bwlimit: { type: "string", default: "2M" },
    "batch-keys": { type: "string", default: "25" },
    "rss-keys": { type: "string", default: "100000" },
    "skip-rss": { type: "boolean", default: false },
    "skip-throughput": { type: "boolean", default: false },
  },
});
const FILES = Number(opts.files);
const SIZE = parseSize(opts.size);
const RSS_KEYS = Number(opts["rss-keys"]);

function parseSize(s) {
  const m = /^(\d+(?:\.\d+)?)([KMG]?)$/i.exec(s);
  if (!m) throw new Error(`bad size ${s}`);
  return Math.round(Number(m[1]) * { "": 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 }[m[2].toUpperCase()]);
}
const mib = (b) => (b / 1024 / 1024).toFixed(1);
const log = (m) => process.stderr.write(`${m}\n`);

if (!fs.existsSync(WORKER_BIN)) {
  log(`missing ${WORKER_BIN}: build first with pnpm --filter @ferry/cluster... build`);
  process.exit(2);
}

// ── servers ───────────────────────────────────────────────────────────────────
let started = [];
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "ferry-bench-cluster-"));
let env = { ...process.env };
if (!env.FERRY_TEST_REDIS_URL || !env.FERRY_TEST_S3_ENDPOINT) {
  log("starting redis and s3rver …");
  const servers = await loadServers(["redis", "s3"]);
  const up = await startServers(servers, path.join(scratch, "servers"));
  started = up.started;
  env = { ...env, ...up.env };
}
const redis = env.FERRY_TEST_REDIS_URL;
const s3env = {
  AWS_ACCESS_KEY_ID: env.FERRY_TEST_S3_ACCESS_KEY_ID,
  AWS_SECRET_ACCESS_KEY: env.FERRY_TEST_S3_SECRET_ACCESS_KEY,
  AWS_REGION: env.FERRY_TEST_S3_REGION,
  AWS_ENDPOINT_URL_S3: env.FERRY_TEST_S3_ENDPOINT,
  AWS_EC2_METADATA_DISABLED: "true",
};

async function bucket() {
  const name = `bench-${randomBytes(4).toString("hex")}`;
  const res = await fetch(`${env.FERRY_TEST_S3_ENDPOINT}/${name}`, { method: "PUT" });
  if (!res.ok) throw new Error(`CreateBucket ${name}: ${res.status}`);
  return name;
}

function tree(dir, count, size) {
  for (let i = 0; i < count; i++) {
    const folder = path.join(dir, `d${i % 100}`);
    if (i < 100) fs.mkdirSync(folder, { recursive: true });
    const block = createHash("sha256").update(String(i)).digest();
    fs.writeFileSync(path.join(folder, `f${i}.bin`), size <= block.length ? block.subarray(0, size) : Buffer.alloc(size, block));
  }
  return dir;
}

// ── processes ─────────────────────────────────────────────────────────────────
function startWorkers(n, queue, args) {
  return Promise.all(
    Array.from({ length: n }, () => {
      const child = spawn(process.execPath, [WORKER_BIN, "--queue", queue, "--json", ...args], {
        env: { PATH: env.PATH, HOME: scratch, ...s3env },
        stdio: ["ignore", "pipe", "inherit"],
      });
      child.batches = 0;
      return new Promise((resolve, reject) => {
        const lines = readline.createInterface({ input: child.stdout });
        lines.on("line", (l) => {
          if (l.includes('"worker-ready"')) resolve(child);
          if (l.includes('"batch-done"')) child.batches++;
        });
        child.once("exit", (code) => reject(new Error(`worker exited (${code}) before it was ready`)));
      });
    }),
  );
}

async function stopWorkers(workers) {
  await Promise.all(
    workers.map(
      (w) =>
        new Promise((resolve) => {
          if (w.exitCode !== null) return resolve();
          w.once("exit", resolve);
          w.kill("SIGTERM");
        }),
    ),
  );
}

function coordinate(src, dst, args, nodeArgs = []) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, COORDINATOR, src, dst, ...args], {
      cwd: here,
      env: { PATH: env.PATH, HOME: scratch, ...s3env },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.once("exit", (code) => {
      if (code !== 0) return reject(new Error(`coordinator exited ${code}: ${out}`));
      resolve(JSON.parse(out.trim().split("\n").pop()));
    });
  });
}

async function distributed(workerCount, src, dst, workerArgs, coordArgs = [], nodeArgs = []) {
  const queue = `${redis}/0?queue=bench-${randomBytes(3).toString("hex")}`;
  const workers = await startWorkers(workerCount, queue, workerArgs);
  try {
    const result = await coordinate(src, dst, ["--queue", queue, "--min-workers", String(workerCount), ...coordArgs], nodeArgs);
    return { ...result, batchesPerWorker: workers.map((w) => w.batches) };
  } finally {
    await stopWorkers(workers);
  }
}

try {
  if (!opts["skip-throughput"]) await throughput();
  if (!opts["skip-rss"]) await memory();
} finally {
  await stopServers(started);
  fs.rmSync(scratch, { recursive: true, force: true });
}

// ── 1. throughput ─────────────────────────────────────────────────────────────
async function throughput() {
  const src = tree(path.join(scratch, "throughput"), FILES, SIZE);
  const b = await bucket();
  log(`throughput: ${FILES} × ${opts.size} (${mib(FILES * SIZE)} MiB) local → s3rver, --bwlimit ${opts.bwlimit} per machine, batches of ${opts["batch-keys"]} keys`);

  const rows = [];
  const row = (name, r) => {
    const wallMiBs = r.stats.transferredBytes / 1024 / 1024 / (r.elapsedMs / 1000);
    rows.push({ name, wallS: r.elapsedMs / 1000, wallMiBs, transferMiBs: r.stats.throughput / 1024 / 1024, rss: r.maxRssBytes, transferred: r.stats.transferred });
    log(`  ${name}: ${(r.elapsedMs / 1000).toFixed(1)} s, ${wallMiBs.toFixed(2)} MiB/s${r.batchesPerWorker ? `, batches per worker ${r.batchesPerWorker.join("/")}` : ""}`);
  };
  row("local run", await coordinate(src, `s3://${b}/local/`, ["--bwlimit", opts.bwlimit]));
  const batching = ["--batch-keys", opts["batch-keys"]];
  row("coordinator + 1 worker", await distributed(1, src, `s3://${b}/one/`, ["--bwlimit", opts.bwlimit], batching));
  row("coordinator + 2 workers", await distributed(2, src, `s3://${b}/two/`, ["--bwlimit", opts.bwlimit], batching));
  for (const r of rows) if (r.transferred !== FILES) throw new Error(`${r.name} transferred ${r.transferred} of ${FILES}`);

  const [local, one, two] = rows;
  console.log(`\n## ferry cluster: transfer-bound job (${FILES} × ${opts.size} local → S3, --bwlimit ${opts.bwlimit} per machine, batches of ${opts["batch-keys"]})\n`);
  console.log("| run | wall time | throughput (wall) | throughput (transfer phase) | coordinator peak RSS |");
  console.log("|---|---:|---:|---:|---:|");
  for (const r of rows) console.log(`| ${r.name} | ${r.wallS.toFixed(1)} s | ${r.wallMiBs.toFixed(2)} MiB/s | ${r.transferMiBs.toFixed(2)} MiB/s | ${mib(r.rss)} MiB |`);
  console.log(`\n- 2 workers / 1 worker: **${(two.wallMiBs / one.wallMiBs).toFixed(2)}×** (target ≥ 1.6×)`);
  console.log(`- 1 worker / local run: ${(one.wallMiBs / local.wallMiBs).toFixed(2)}×`);
  console.log(`- 2 workers / local run: ${(two.wallMiBs / local.wallMiBs).toFixed(2)}×`);
}

// ── 2. coordinator memory ─────────────────────────────────────────────────────
async function memory() {
  const sizes = [Math.max(1, Math.round(RSS_KEYS / 10)), RSS_KEYS];
  console.log(`\n## coordinator peak RSS (local → local, 2 workers, tiny keys)\n`);
  console.log("| keys | wall time | keys/s | coordinator peak RSS | peak JS heap | peak live heap (after GC) |");
  console.log("|---:|---:|---:|---:|---:|---:|");
  for (const keys of sizes) {
    const dir = path.join(scratch, `rss-${keys}`);
    log(`memory: writing ${keys} source files …`);
    tree(path.join(dir, "src"), keys, 16);
    fs.mkdirSync(path.join(dir, "dst"));
    log(`memory: distributed run of ${keys} keys …`);
    // --expose-gc: the coordinator also reports its live heap (what is left after a collection)
    const r = await distributed(2, path.join(dir, "src"), path.join(dir, "dst"), [], [], ["--expose-gc"]);
    if (r.stats.transferred !== keys) throw new Error(`transferred ${r.stats.transferred} of ${keys}`);
    console.log(
      `| ${keys} | ${(r.elapsedMs / 1000).toFixed(1)} s | ${Math.round(keys / (r.elapsedMs / 1000))} | ${mib(r.maxRssBytes)} MiB | ${mib(r.peakHeapBytes)} MiB | ${mib(r.peakLiveHeapBytes)} MiB |`,
    );
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
