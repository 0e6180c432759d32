// The local→S3 benchmark of issue 4: the same tree synced by ferry, rclone and the aws cli into
// their own bucket on the same s3rver — an initial sync, then a no-op re-run — with wall time,
// CPU (the tool's and the server's), peak RSS and ratios.
import fs from "node:fs";
import path from "node:path";
import { cpuSecondsOf, findServerPid, measure } from "./s3-measure.mjs";
import { summarizeProfile } from "./s3-profile.mjs";
import { countObjects, createBucket, ensureTree } from "./s3-setup.mjs";
import { S3_TOOLS, toolRun } from "./s3-tools.mjs";

export const PHASES = [
  { id: "initial", title: "initial sync" },
  { id: "noop", title: "no-op re-run" },
];

/** Records every HTTP request of a child (method + path) through diagnostics_channel. */
const TRACER = `
const dc = require("node:diagnostics_channel");
const fs = require("node:fs");
const out = process.env.BENCH_HTTP_TRACE;
dc.subscribe("http.client.request.start", ({ request }) => fs.appendFileSync(out, request.method + " " + request.path + "\\n"));
`;

const median = (xs) => {
  const v = xs.filter((x) => typeof x === "number" && Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return undefined;
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
};

/**
 * @param {{ repo: string, workDir: string, server: any, tools: string[], repeat: number, tree: { files: number, fileSize: number, bigSize: number }, ferryArgs: string[], profile: boolean, log: (s: string) => void }} o
 */
export async function runLocalS3(o) {
  const src = path.join(o.workDir, "src");
  const tree = ensureTree(src, o.tree, o.log);
  const serverPid = findServerPid(o.server.endpoint);
  if (!serverPid) o.log("(could not find the s3rver process: server CPU is not reported)");
  const stamp = Date.now().toString(36);
  const bucketOf = (tool) => `ferry-bench-${tool}`;
  for (const tool of o.tools) createBucket(o.workDir, o.server, bucketOf(tool));

  /** results[tool][phase] = [measurement, …] */
  const results = Object.fromEntries(o.tools.map((t) => [t, { initial: [], noop: [] }]));
  const failures = [];
  for (let r = 0; r < o.repeat; r++) {
    // rotate the order so no tool always runs first (cold server) or last
    const order = o.tools.map((_, i) => o.tools[(i + r) % o.tools.length]);
    const prefix = `run-${stamp}-${r}/`;
    for (const phase of PHASES) {
      for (const tool of order) {
        const run = toolRun(tool, { repo: o.repo, workDir: o.workDir, server: o.server, src, bucket: bucketOf(tool), prefix, ferryArgs: o.ferryArgs });
        o.log(`run ${r + 1}/${o.repeat} ${phase.title.padEnd(12)} ${tool} …`);
        const m = await measure(run, { serverPid, timeoutMs: 15 * 60_000 });
        const problem = verify(m, run, tool, phase.id, tree, () => countObjects(o.workDir, o.server, bucketOf(tool), prefix));
        if (problem) {
          failures.push(`${tool} ${phase.title} (run ${r + 1}): ${problem}`);
          m.error = problem;
        }
        o.log(
          `    ${m.wall.toFixed(2)} s wall, ${m.cpu?.toFixed(2) ?? "?"} s CPU, ${m.rssMB?.toFixed(0) ?? "?"} MB RSS` +
            `${m.serverCpu !== null ? `, server ${m.serverCpu.toFixed(2)} s CPU` : ""}${problem ? `  FAILED: ${problem}` : ""}`,
        );
        results[tool][phase.id].push(m);
      }
    }
  }

  const extra = [];
  if (o.tools.includes("ferry")) {
    // how many requests the no-op re-run costs (untimed): the auto compare trusts an upload
    // time at or after the source mtime, so it needs the listing and no HEAD per key
    const trace = path.join(o.workDir, `noop-requests-${stamp}.txt`);
    const tracer = path.join(o.workDir, "http-trace.cjs");
    fs.writeFileSync(tracer, TRACER);
    const run = toolRun("ferry", { repo: o.repo, workDir: o.workDir, server: o.server, src, bucket: bucketOf("ferry"), prefix: `run-${stamp}-0/`, nodeArgs: ["--require", tracer], ferryArgs: o.ferryArgs });
    run.env = { ...run.env, BENCH_HTTP_TRACE: trace };
    const m = await measure(run);
    const reqs = fs.existsSync(trace) ? fs.readFileSync(trace, "utf8").trim().split("\n").filter(Boolean) : [];
    const byMethod = {};
    for (const l of reqs) byMethod[l.split(" ")[0]] = (byMethod[l.split(" ")[0]] ?? 0) + 1;
    extra.push(
      `ferry no-op re-run: ${reqs.length} HTTP requests (${Object.entries(byMethod).map(([k, v]) => `${v} ${k}`).join(", ") || "none"}) for ${tree.files} keys` +
        `${m.ok ? "" : ` — the traced run FAILED: ${m.stderr.trim().split("\n").pop()}`}`,
    );
    fs.rmSync(trace, { force: true });

    if (o.profile) {
      for (const phase of PHASES) {
        const dir = path.join(o.workDir, `cpu-profile-${stamp}-${phase.id}`);
        const prefix = `profile-${stamp}/`;
        const prun = toolRun("ferry", { repo: o.repo, workDir: o.workDir, server: o.server, src, bucket: bucketOf("ferry"), prefix, nodeArgs: ["--cpu-prof", "--cpu-prof-dir", dir], ferryArgs: o.ferryArgs });
        o.log(`profiling ferry ${phase.title} …`);
        const pm = await measure(prun, { serverPid });
        const file = fs.existsSync(dir) ? fs.readdirSync(dir).find((f) => f.endsWith(".cpuprofile")) : undefined;
        extra.push(`--- ferry ${phase.title} under --cpu-prof: ${pm.wall.toFixed(2)} s wall, ${pm.cpu?.toFixed(2)} s CPU`);
        if (file) extra.push(summarizeProfile(path.join(dir, file), 25));
      }
    }
  }
  return { tree, serverPid, serverCpuNow: cpuSecondsOf(serverPid), results, failures, extra };
}

function verify(m, run, tool, phase, tree, count) {
  if (!m.ok) return `exit ${m.code}: ${(m.stderr.trim().split("\n").slice(-3).join(" | ") || m.stdout.trim().split("\n").pop() || "").slice(0, 400)}`;
  const transferred = run.transferred(m);
  if (phase === "noop" && transferred !== undefined && transferred !== 0) return `the no-op re-run transferred ${transferred} files`;
  if (phase === "initial" && transferred !== undefined && transferred !== tree.files) return `transferred ${transferred} of ${tree.files} files`;
  const c = count();
  if (c.count !== tree.files || c.bytes !== tree.bytes) return `the bucket holds ${c.count} objects / ${c.bytes} B, expected ${tree.files} / ${tree.bytes}`;
  return undefined;
}

const pad = (s, n) => String(s).padEnd(n);
const lpad = (s, n) => String(s).padStart(n);
const f2 = (x) => (x === undefined || x === null ? "?" : x.toFixed(2));
const f0 = (x) => (x === undefined || x === null ? "?" : x.toFixed(0));
const ratio = (a, b) => (a && b ? `${(a / b).toFixed(2)}×` : "–");

/** The table: per phase and tool the medians, and ferry ÷ tool (below 1 = ferry faster). */
export function formatLocalS3(res, o) {
  const { tree, results } = res;
  const lines = [];
  lines.push(
    `local → S3 (s3rver ${o.server.endpoint}): ${tree.files} files, ${(tree.bytes / 2 ** 20).toFixed(1)} MiB` +
      ` (${o.tree.files} × ${o.tree.fileSize} B + ${(o.tree.bigSize / 2 ** 20).toFixed(0)} MiB); median of ${o.repeat} run${o.repeat > 1 ? "s" : ""}`,
  );
  lines.push(
    `${pad("phase", 14)}${pad("tool", 8)}${lpad("wall s", 8)}${lpad("CPU s", 8)}${lpad("srv CPU s", 11)}${lpad("RSS MB", 8)}${lpad("ferry÷tool", 12)}${lpad("(CPU)", 8)}`,
  );
  const verdicts = [];
  for (const phase of PHASES) {
    const med = {};
    for (const tool of o.tools) {
      const ms = results[tool][phase.id].filter((m) => !m.error);
      med[tool] = ms.length
        ? { wall: median(ms.map((m) => m.wall)), cpu: median(ms.map((m) => m.cpu)), serverCpu: median(ms.map((m) => m.serverCpu)), rssMB: median(ms.map((m) => m.rssMB)) }
        : undefined;
    }
    o.tools.forEach((tool, i) => {
      const m = med[tool];
      const head = `${pad(i === 0 ? phase.title : "", 14)}${pad(tool, 8)}`;
      if (!m) return lines.push(`${head}${lpad("FAILED", 8)}`);
      const vs = tool === "ferry" ? "" : ratio(med.ferry?.wall, m.wall);
      const vsCpu = tool === "ferry" ? "" : ratio(med.ferry?.cpu, m.cpu);
      lines.push(`${head}${lpad(f2(m.wall), 8)}${lpad(f2(m.cpu), 8)}${lpad(f2(m.serverCpu), 11)}${lpad(f0(m.rssMB), 8)}${lpad(vs, 12)}${lpad(vsCpu, 8)}`);
    });
    const others = o.tools.filter((t) => t !== "ferry" && med[t]);
    if (med.ferry && others.length) {
      const best = others.reduce((a, b) => (med[a].wall <= med[b].wall ? a : b));
      const ok = med.ferry.wall <= med[best].wall;
      verdicts.push(`${phase.title}: ferry ${f2(med.ferry.wall)} s vs the faster of ${others.join("/")} (${best}, ${f2(med[best].wall)} s) = ${ratio(med.ferry.wall, med[best].wall)} — ${ok ? "target met" : "target NOT met"}`);
    }
  }
  if (verdicts.length) lines.push("target (issue 4): ferry at or below the faster of rclone and the aws cli", ...verdicts.map((v) => `  ${v}`));
  if (res.failures.length) lines.push("failures:", ...res.failures.map((f) => `  ${f}`));
  lines.push(...res.extra);
  return lines.join("\n");
}

export { S3_TOOLS };
