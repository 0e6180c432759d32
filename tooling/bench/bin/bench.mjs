#!/usr/bin/env node
// ferry benchmarks (see tooling/bench/README.md)
//
//   pnpm bench [local|memory|all] [--size small|full] [--only ferry,rclone,rsync,cp]
//              [--repeat N] [--json out.json] [--keys 0,100000,1000000] [--trees a,b]
//              [--work-dir /tmp/ferry-bench] [--keep] [--warm] [--ferry auto|cli|sdk]
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { cacheState, ensureBinaries, keepCacheWarm, machine, settle } from "../src/env.mjs";
import { runLocal } from "../src/local.mjs";
import { haveGnuTime } from "../src/measure.mjs";
import { DEFAULT_KEYS, runMemory } from "../src/memory.mjs";
import { evaluateTargets, formatMemory, formatTargets, formatTree } from "../src/report.mjs";
import { ALL_TOOLS, BINARIES, DEFAULT_TOOLS, resolveTools } from "../src/tools.mjs";

const USAGE = `usage: node tooling/bench/bin/bench.mjs [local|memory|all] [options]

  local            local→local: initial copy, no-op re-run, re-run after a 5% change (default)
  memory           peak RSS of a dry-run plan of 100k and 1M keys, memory→memory
  all              both
  report FILE      print the tables of a --json file again

  --size small|full     tree sizes (default small; full = 20k×4KiB + 3×64MiB, and 100k files)
  --only a,b,…          tools: ${ALL_TOOLS.join(", ")} (default ${DEFAULT_TOOLS.join(",")})
  --repeat N            runs per measurement, the table shows medians (default 1)
  --trees a,b           which local trees (default both)
  --keys 0,100000,…     key counts of the memory benchmark (default ${DEFAULT_KEYS.join(",")})
  --json FILE           also write the results as JSON
  --work-dir DIR        where trees go (default /tmp/ferry-bench; keep it off the repo)
  --keep                keep the destination copies after the run
  --warm                do not drop the page cache before each run (it is dropped when permitted)
  --ferry auto|cli|sdk  how to run ferry: the built CLI, the SDK driver, or CLI if it works (default)
`;

let parsed;
try {
  parsed = parseArgs({
    allowPositionals: true,
    options: {
      size: { type: "string", default: "small" },
      only: { type: "string" },
      repeat: { type: "string", default: "1" },
      trees: { type: "string" },
      keys: { type: "string" },
      json: { type: "string" },
      "work-dir": { type: "string", default: "/tmp/ferry-bench" },
      keep: { type: "boolean", default: false },
      warm: { type: "boolean", default: false },
      ferry: { type: "string", default: "auto" },
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
const command = positionals[0] ?? "local";
const fail = (msg) => {
  console.error(`bench: ${msg}\n\n${USAGE}`);
  process.exit(2);
};
if (command === "report") {
  if (positionals.length !== 2) fail("report needs the JSON file a run wrote with --json");
  const saved = JSON.parse(fs.readFileSync(positionals[1], "utf8"));
  console.log(render(saved));
  process.exit(0);
}
if (!["local", "memory", "all"].includes(command) || positionals.length > 1) fail(`unknown command ${positionals.join(" ")}`);
if (!["small", "full"].includes(opt.size)) fail(`--size must be small or full`);
if (!["auto", "cli", "sdk"].includes(opt.ferry)) fail(`--ferry must be auto, cli or sdk`);
const repeat = Number(opt.repeat);
if (!Number.isInteger(repeat) || repeat < 1) fail("--repeat must be a positive integer");
const toolNames = opt.only ? opt.only.split(",").map((s) => s.trim()).filter(Boolean) : DEFAULT_TOOLS;
for (const t of toolNames) if (!ALL_TOOLS.includes(t)) fail(`unknown tool "${t}"`);
const trees = opt.trees?.split(",").map((s) => s.trim());
const keys = opt.keys ? opt.keys.split(",").map((s) => Number(s.replace(/_/g, ""))) : DEFAULT_KEYS;
if (keys.some((k) => !Number.isInteger(k) || k < 0)) fail("--keys must be non-negative integers");
const workDir = path.resolve(opt["work-dir"]);
const repo = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../../..");
if (workDir === repo || workDir.startsWith(`${repo}/`)) fail(`--work-dir must be outside the repository (${repo})`);

const log = (s) => console.error(s);

// GNU time for peak RSS; the tools' binaries
const wanted = ["/usr/bin/time", ...(command === "memory" ? [] : [...new Set(toolNames.map((t) => BINARIES[t]).filter(Boolean))])];
const missing = ensureBinaries(wanted, log);
if (missing.has("/usr/bin/time")) log(`note: /usr/bin/time unavailable (${missing.get("/usr/bin/time")}): peak RSS will show as "?"`);

const results = {
  meta: {
    date: new Date().toISOString(),
    command,
    size: opt.size,
    repeat,
    machine: machine(),
    gnuTime: haveGnuTime(),
  },
};

const started = performance.now();

if (command === "local" || command === "all") {
  const tools = resolveTools(toolNames, { missing, ferryMode: opt.ferry });
  if (opt.warm) keepCacheWarm();
  settle();
  results.meta.pageCache = cacheState();
  results.meta.tools = tools.map((t) => ({ name: t.name, ...(t.skip ? { skip: t.skip } : { version: t.version, command: t.command }) }));
  log(`local→local, size ${opt.size}, work dir ${workDir}, page cache ${results.meta.pageCache}`);
  for (const t of tools) log(t.skip ? `  ${t.name}: SKIPPED — ${t.skip}` : `  ${t.name}: ${t.version}\n      ${t.command}`);
  if (tools.every((t) => t.skip)) log("no tool can run");
  else {
    results.local = await runLocal({ size: opt.size, tools, repeat, workDir, keep: opt.keep, trees, log });
  }
}

if (command === "memory" || command === "all") {
  log(`memory: dry-run plans of ${keys.map((k) => k.toLocaleString("en-US")).join(", ")} keys`);
  results.memory = await runMemory({ keys, repeat, log });
}

results.targets = evaluateTargets(results);
results.meta.seconds = Math.round((performance.now() - started) / 1000);
console.log(render(results));

/** The whole report of a run (also of a saved --json file). */
function render(results) {
  const meta = results.meta;
  const m = meta.machine;
  const ran = (meta.tools ?? []).filter((t) => !t.skip);
  const sections = [];
  if (results.local) sections.push(...results.local.trees.map((t) => formatTree(t, ran.map((x) => x.name))));
  const skipped = (meta.tools ?? []).filter((t) => t.skip);
  if (skipped.length) sections.push(skipped.map((t) => `skipped ${t.name}: ${t.skip}`).join("\n"));
  if (results.memory) sections.push(formatMemory(results.memory));
  const targets = results.targets ?? evaluateTargets(results);
  if (targets.length) sections.push(formatTargets(targets));
  const header = [
    `ferry bench — ${meta.date} — ${meta.command}, size ${meta.size}, repeat ${meta.repeat}${meta.repeat > 1 ? " (medians)" : ""}`,
    `machine: ${m.cpus} × ${m.cpuModel ?? "cpu"}, ${m.memGiB} GiB, Linux ${m.kernel}, node ${m.node}, load ${m.loadavg} (at the start)`,
    ...(meta.pageCache ? [`page cache: ${meta.pageCache}; wall = elapsed, cpu = user+sys, RSS = peak resident set (GNU time)`] : []),
    ...ran.map((t) => `  ${t.name.padEnd(13)} ${t.version}`),
  ];
  return `\n${header.join("\n")}\n\n${sections.join("\n\n")}\n`;
}

if (opt.json) {
  fs.writeFileSync(opt.json, `${JSON.stringify(results, null, 2)}\n`);
  log(`results written to ${opt.json}`);
}
