// One target of the remote file-system benchmark (local → SFTP or local → WebDAV): for each
// tool, an initial copy into an empty folder on the server, then a no-op re-run; repetitions
// (rotating which tool goes first) give medians. Every copy is checked on the server's disk.
import fs from "node:fs";
import path from "node:path";
import { settle } from "./env.mjs";
import { measureCommand as measure } from "./remote-fs-measure.mjs";
import { fmtMB, fmtRatio, fmtSec, median } from "./report.mjs";
import { newestProfile, summarizeProfile, formatProfile } from "./remote-fs-profile.mjs";
import { verifyCopy } from "./remote-fs-tree.mjs";

const RUN_TIMEOUT_MS = 30 * 60 * 1000;
export const REMOTE_PHASES = [
  { id: "initial", title: "initial copy" },
  { id: "noop", title: "no-op re-run" },
];

async function runOne(tool, src, dst, { spec, log, label, verify }) {
  settle();
  const [cmd, args] = tool.argv(src, dst);
  const r = await measure(cmd, args, { env: tool.env, timeoutMs: RUN_TIMEOUT_MS });
  const out = { wall: r.wall, cpu: r.cpu, rssMB: r.rssMB };
  if (!r.ok) {
    const why = (r.stderr || r.stdout).trim().split("\n").slice(-3).join(" | ");
    out.error = `exit ${r.code ?? r.signal}: ${why}`.slice(0, 400);
  } else if (verify) {
    const problem = verifyCopy(src, tool.onServer(dst), spec);
    if (problem) out.error = `wrong copy: ${problem}`;
  }
  log(
    `    ${tool.name.padEnd(13)} ${label.padEnd(8)} ${r.wall.toFixed(2).padStart(6)} s wall  ${r.cpu === null ? "    ?" : r.cpu.toFixed(2).padStart(5)} s cpu  ${r.rssMB === null ? "?" : r.rssMB.toFixed(1).padStart(6)} MB${out.error ? `  FAILED ${out.error}` : ""}`,
  );
  return out;
}

function summarize(samples) {
  if (!samples.length) return undefined;
  const bad = samples.find((s) => s.error);
  return {
    wall: median(samples.map((s) => s.wall)),
    cpu: median(samples.map((s) => s.cpu)),
    rssMB: median(samples.map((s) => s.rssMB)),
    ...(bad ? { error: bad.error } : {}),
    samples,
  };
}

/**
 * @param {{ target: string, title: string, tools: any[], spec: any, src: string, repeat: number, runId: string, log: (s: string) => void, profileDir?: string }} o
 */
export async function runRemoteTarget({ target, title, tools, spec, src, repeat, runId, log, profileDir }) {
  const runnable = tools.filter((t) => !t.skip);
  const samples = Object.fromEntries(runnable.map((t) => [t.name, { initial: [], noop: [] }]));
  const copies = [];
  log(`${title}`);
  for (let rep = 1; rep <= repeat; rep++) {
    if (repeat > 1) log(`  round ${rep}/${repeat}`);
    const order = runnable.map((_, i) => runnable[(i + rep - 1) % runnable.length]);
    for (const tool of order) {
      // a fresh folder per run: rclone serve webdav caches directory listings, so the served
      // folder is never changed behind its back (nothing is deleted until the end)
      const dst = `bench-${runId}-${target}-${tool.name}-r${rep}`;
      copies.push(tool.onServer(dst));
      const initial = await runOne(tool, src, dst, { spec, log, label: "initial", verify: true });
      samples[tool.name].initial.push(initial);
      if (initial.error) continue;
      samples[tool.name].noop.push(await runOne(tool, src, dst, { spec, log, label: "no-op", verify: false }));
    }
  }
  const runs = {};
  for (const tool of runnable) runs[tool.name] = { initial: summarize(samples[tool.name].initial), noop: summarize(samples[tool.name].noop) };

  let profiles;
  const ferry = runnable.find((t) => t.name === "ferry");
  if (profileDir && ferry) profiles = await profileFerry({ ferry, target, src, runId, profileDir, log, copies });
  return { target, title, runs, tools: tools.map((t) => ({ name: t.name, ...(t.skip ? { skip: t.skip } : { version: t.version, command: t.command }) })), profiles, copies };
}

/** ferry once more under `node --cpu-prof`, initial and no-op, outside the timings */
async function profileFerry({ ferry, target, src, runId, profileDir, log, copies }) {
  const out = [];
  const dst = `bench-${runId}-${target}-ferry-profile`;
  copies.push(ferry.onServer(dst));
  for (const phase of ["initial", "noop"]) {
    const dir = path.join(profileDir, `${target}-${phase}`);
    fs.mkdirSync(dir, { recursive: true });
    const [cmd, args] = ferry.argv(src, dst, ["--cpu-prof", "--cpu-prof-dir", dir]);
    const r = await measure(cmd, args, { env: ferry.env, timeoutMs: RUN_TIMEOUT_MS });
    const file = newestProfile(dir);
    if (!r.ok || !file) {
      log(`    profile ${phase}: ${r.ok ? "no .cpuprofile written" : `failed (exit ${r.code})`}`);
      continue;
    }
    const summary = summarizeProfile(file);
    out.push({ phase, file, wall: r.wall, summary: { totalMs: summary.totalMs, areas: summary.areas, functions: summary.functions.slice(0, 40) } });
    log(`    profile ${phase}: ${file}`);
  }
  return out;
}

const pad = (s, n) => String(s).padEnd(n);
const lpad = (s, n) => String(s).padStart(n);

function cell(run) {
  if (!run) return ["n/a", "", ""];
  if (run.error) return ["FAILED", "", ""];
  return [`${fmtSec(run.wall)}s`, run.cpu === null || run.cpu === undefined ? "?" : `${fmtSec(run.cpu)}s`, fmtMB(run.rssMB)];
}

export function formatRemoteTarget(result, { treeDesc }) {
  const names = Object.keys(result.runs);
  const lines = [`${result.title}: ${treeDesc}`];
  const W = 24;
  const T = Math.max(10, ...names.map((n) => n.length + 2));
  lines.push(`${pad("", T)}${REMOTE_PHASES.map((p) => pad(`  ${p.title}`, W)).join("")}`);
  lines.push(`${pad("tool", T)}${REMOTE_PHASES.map(() => `${lpad("wall", 7)} ${lpad("cpu", 7)} ${lpad("RSS MB", 7)} `).join("")}`);
  for (const name of names) {
    const cells = REMOTE_PHASES.map((p) => cell(result.runs[name][p.id]));
    lines.push(`${pad(name, T)}${cells.map(([w, c, r]) => `${lpad(w, 7)} ${lpad(c, 7)} ${lpad(r, 7)} `).join("")}`);
  }
  const failures = names.flatMap((n) => REMOTE_PHASES.map((p) => [n, p, result.runs[n][p.id]]).filter(([, , r]) => r?.error).map(([n, p, r]) => `  ${n} ${p.title}: ${r.error}`));
  if (failures.length) lines.push("failures:", ...failures);
  for (const t of result.tools.filter((t) => t.skip)) lines.push(`skipped ${t.name}: ${t.skip}`);

  const ferry = result.runs.ferry;
  const others = names.filter((n) => n !== "ferry");
  if (ferry && others.length) {
    lines.push("", "ferry ÷ other (< 1 means ferry is faster / smaller)");
    const cols = [
      { title: "initial wall", get: (r) => r.initial, v: (x) => x.wall },
      { title: "no-op wall", get: (r) => r.noop, v: (x) => x.wall },
      { title: "initial cpu", get: (r) => r.initial, v: (x) => x.cpu },
      { title: "no-op cpu", get: (r) => r.noop, v: (x) => x.cpu },
      { title: "RSS initial", get: (r) => r.initial, v: (x) => x.rssMB },
    ];
    lines.push(`${pad("vs", T)}${cols.map((c) => lpad(c.title, 14)).join("")}`);
    for (const name of others) {
      const o = result.runs[name];
      const ratios = cols.map((c) => {
        const a = c.get(ferry);
        const b = c.get(o);
        if (!a || !b || a.error || b.error || !c.v(a) || !c.v(b)) return "–";
        return fmtRatio(c.v(a) / c.v(b));
      });
      lines.push(`${pad(name, T)}${ratios.map((r) => lpad(r, 14)).join("")}`);
    }
  }
  for (const p of result.profiles ?? []) {
    lines.push("", formatProfile(`ferry ${p.phase === "noop" ? "no-op re-run" : "initial copy"} under --cpu-prof (${fmtSec(p.wall)}s wall, ${p.file})`, p.summary));
  }
  return lines.join("\n");
}
