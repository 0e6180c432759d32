#!/usr/bin/env node
// A no-op two-way sync of N local files, ferry beside `rclone bisync`, on the same trees.
//
//   node tooling/bench/bisync.mjs [--files 100000] [--repeat 3] [--ferry auto|cli|sdk]
//                                 [--work-dir /tmp/ferry-bisync-bench] [--keep]
//
// Both tools first run once to save their state (rclone needs --resync for that), then the
// measured runs change nothing: each lists both trees, compares them with its saved listings
// and writes its state again. Wall time and peak RSS (GNU time's "Maximum resident set size")
// of each run are taken; the table shows medians and ferry/rclone ratios.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "../..");
const cli = path.join(repo, "apps/cli/dist/bin.js");
const GNU_TIME = "/usr/bin/time";

const { values: opt } = parseArgs({
  options: {
    files: { type: "string", default: "100000" },
    repeat: { type: "string", default: "3" },
    ferry: { type: "string", default: "auto" },
    "work-dir": { type: "string", default: path.join(os.tmpdir(), "ferry-bisync-bench") },
    keep: { type: "boolean", default: false },
  },
});
const files = Number(opt.files);
const repeat = Math.max(1, Number(opt.repeat));
if (!Number.isInteger(files) || files < 1) fail(`--files must be a positive whole number (got ${opt.files})`);
if (!fs.existsSync(GNU_TIME)) fail(`${GNU_TIME} is missing: apt-get install -y time`);
const rclone = which("rclone") ?? fail("rclone is missing: apt-get install -y rclone");

const work = path.resolve(opt["work-dir"]);
if (work.startsWith(repo + path.sep)) fail("--work-dir must be outside the repository");
const A = path.join(work, "A");
const B = path.join(work, "B");
const ferryState = path.join(work, "ferry-state");
const rcloneWork = path.join(work, "rclone-workdir");
const rcloneConfig = path.join(work, "rclone.conf");

const ferryMode = pickFerryMode(opt.ferry);
console.log(`bisync no-op: ${files.toLocaleString("en")} files, ferry via ${ferryMode}, ${rcloneVersion()}, ${os.cpus().length} cores, node ${process.version}`);

prepareTrees();
fs.rmSync(ferryState, { recursive: true, force: true });
fs.rmSync(rcloneWork, { recursive: true, force: true });
fs.mkdirSync(rcloneWork, { recursive: true });
fs.writeFileSync(rcloneConfig, "");

const tools = {
  ferry: {
    setup: () => ferryCommand(),
    run: () => ferryCommand(),
  },
  rclone: {
    setup: () => [rclone, "bisync", A, B, "--workdir", rcloneWork, "--config", rcloneConfig, "--resync", "-q"],
    run: () => [rclone, "bisync", A, B, "--workdir", rcloneWork, "--config", rcloneConfig, "-q"],
  },
};

for (const [name, tool] of Object.entries(tools)) {
  const r = measure(tool.setup());
  if (r.status !== 0) fail(`${name} setup run failed (exit ${r.status}):\n${r.output}`);
  console.log(`  ${name}: state saved in ${seconds(r.wallMs)}`);
}

const results = { ferry: [], rclone: [] };
for (let i = 0; i < repeat; i++) {
  // alternate who goes first so neither always meets a colder cache
  const order = i % 2 === 0 ? ["ferry", "rclone"] : ["rclone", "ferry"];
  for (const name of order) {
    const r = measure(tools[name].run());
    if (r.status !== 0) fail(`${name} no-op run failed (exit ${r.status}):\n${r.output}`);
    results[name].push(r);
  }
}
checkNothingChanged();

const summary = Object.fromEntries(
  Object.entries(results).map(([name, runs]) => [name, { wallMs: median(runs.map((r) => r.wallMs)), rssKb: median(runs.map((r) => r.rssKb)) }]),
);
console.log("");
console.log(`tool     wall (median of ${repeat})   peak RSS`);
for (const [name, s] of Object.entries(summary)) console.log(`${name.padEnd(8)} ${seconds(s.wallMs).padStart(10)}            ${mib(s.rssKb).padStart(9)}`);
const timeRatio = summary.ferry.wallMs / summary.rclone.wallMs;
const rssRatio = summary.ferry.rssKb / summary.rclone.rssKb;
console.log(`ferry/rclone: time ×${timeRatio.toFixed(2)}, peak RSS ×${rssRatio.toFixed(2)}`);
console.log(JSON.stringify({ bench: "bisync-noop", files, repeat, ferryMode, ...summary, timeRatio, rssRatio }));

if (!opt.keep) fs.rmSync(work, { recursive: true, force: true });

// ── helpers ──────────────────────────────────────────────────────────────────────────────

function ferryCommand() {
  if (ferryMode === "cli") return [process.execPath, cli, "bisync", A, B, "--state-dir", ferryState, "--quiet"];
  // the SDK from the built workspace packages (resolved through tooling/bench's dependencies)
  const script = `
    import { bisync } from "@ferry/sdk";
    const r = await bisync(${JSON.stringify(A)}, ${JSON.stringify(B)}, { stateDir: ${JSON.stringify(ferryState)}, collectKeys: false });
    if (r.stats.outcome !== "success") { console.error(JSON.stringify(r.stats)); process.exit(1); }
  `;
  return [process.execPath, "--input-type=module", "-e", script];
}

function pickFerryMode(wanted) {
  const sdkBuilt = fs.existsSync(path.join(repo, "packages/sdk/dist/index.js"));
  const cliWorks = () => fs.existsSync(cli) && spawnSync(process.execPath, [cli, "bisync", "--help"], { encoding: "utf8" }).status === 0;
  if (wanted === "cli") return cliWorks() ? "cli" : fail("the built CLI cannot run `ferry bisync` (pnpm build first)");
  if (wanted === "sdk") return sdkBuilt ? "sdk" : fail("packages/sdk/dist is missing (pnpm build first)");
  if (cliWorks()) return "cli";
  return sdkBuilt ? "sdk" : fail("neither the CLI nor the SDK is built (pnpm build first)");
}

/** Runs a command under GNU time; wall time measured here, peak RSS from time's report. */
function measure(argv) {
  const started = process.hrtime.bigint();
  const r = spawnSync(GNU_TIME, ["-v", ...argv], { cwd: here, encoding: "utf8", maxBuffer: 64 << 20 });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr ?? "");
  return { status: r.status, wallMs, rssKb: rss ? Number(rss[1]) : NaN, output: `${r.stdout}\n${r.stderr}`.slice(-4000) };
}

/** A: N small files, 1000 per folder; B: a copy with the same mtimes (so both agree). */
function prepareTrees() {
  const marker = path.join(work, `trees-${files}`);
  if (fs.existsSync(marker) && fs.existsSync(A) && fs.existsSync(B)) {
    console.log(`  reusing the trees in ${work}`);
    return;
  }
  fs.rmSync(work, { recursive: true, force: true });
  fs.mkdirSync(A, { recursive: true });
  const t0 = Date.now();
  const stamp = new Date("2024-01-01T00:00:00Z");
  for (let i = 0; i < files; i++) {
    const dir = path.join(A, `d${String(Math.floor(i / 1000)).padStart(4, "0")}`);
    if (i % 1000 === 0) fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `f${String(i).padStart(7, "0")}.txt`);
    fs.writeFileSync(file, `file ${i}\n`.repeat(1 + (i % 32)));
    fs.utimesSync(file, stamp, stamp);
  }
  const cp = spawnSync("cp", ["-a", A, B]);
  if (cp.status !== 0) fail(`cp -a failed: ${cp.stderr}`);
  fs.writeFileSync(marker, "");
  console.log(`  made ${files.toLocaleString("en")} files on each side in ${seconds(Date.now() - t0)}`);
}

/** A no-op must stay a no-op: the two trees still hold the same files. */
function checkNothingChanged() {
  const count = (dir) => Number(spawnSync("sh", ["-c", `find "${dir}" -type f | wc -l`], { encoding: "utf8" }).stdout.trim());
  const a = count(A);
  const b = count(B);
  if (a !== files || b !== files) fail(`the trees changed during the benchmark (A ${a}, B ${b} files)`);
}

function rcloneVersion() {
  const v = spawnSync(rclone, ["version"], { encoding: "utf8" }).stdout ?? "";
  return (v.split("\n")[0] ?? "rclone").trim();
}

function which(bin) {
  const r = spawnSync("sh", ["-c", `command -v ${bin}`], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

function median(xs) {
  const s = [...xs].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function seconds(ms) {
  return `${(ms / 1000).toFixed(2)} s`;
}

function mib(kb) {
  return `${(kb / 1024).toFixed(0)} MiB`;
}

function fail(message) {
  console.error(`bisync bench: ${message}`);
  process.exit(2);
}
