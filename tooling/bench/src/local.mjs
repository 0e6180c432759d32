// The local→local benchmark: for each tree and each tool, the initial copy into an empty
// destination, a no-op re-run and a re-run after 5% of the files changed, all on the same data
// in one run. Repetitions (--repeat) give medians.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { settle } from "./env.mjs";
import { measure } from "./measure.mjs";
import { median } from "./report.mjs";
import { describeTree, ensurePristineTree, fileList, modifiedFiles, modifyTree, treeSpecs, verifyCopy } from "./trees.mjs";

const RUN_TIMEOUT_MS = 60 * 60 * 1000;

/** seconds a sync(1) takes right after a run: the writeback the tool left to the kernel */
function timeFlush() {
  const t0 = performance.now();
  spawnSync("sync", [], { stdio: "ignore" });
  return (performance.now() - t0) / 1000;
}

/** a few files of the tree to compare byte for byte after an initial copy */
function sampleOf(spec) {
  const files = fileList(spec);
  const picks = [0, Math.floor(spec.small.count / 2), spec.small.count - 1, ...files.filter((f) => f.big).map((f) => f.index)];
  return [...new Set(picks)].map((i) => files[i]);
}

async function runOne(tool, src, dst, { sample, spec, log, label }) {
  settle();
  const [cmd, args] = tool.argv(src, dst);
  const r = await measure(cmd, args, { env: tool.env, timeoutMs: RUN_TIMEOUT_MS });
  // time to get this run's writes to disk, outside the tool's wall time (ferry fsyncs each
  // file itself; cp, rsync and rclone leave it to the kernel)
  const flush = timeFlush();
  const out = { wall: r.wall, cpu: r.cpu, rssMB: r.rssMB, flush };
  if (!r.ok) {
    const why = (r.stderr || r.stdout).trim().split("\n").slice(-3).join(" | ");
    out.error = `exit ${r.code ?? r.signal}: ${why}`.slice(0, 400);
    // could not start, was killed, or exited with a usage/run-level error: stop running it
    if (r.code === null || r.code === 127 || r.code === 2 || r.signal) out.broken = true;
  } else {
    const problem = verifyCopy(src, dst, spec, sample);
    if (problem) out.error = `wrong copy: ${problem}`;
  }
  log(
    `    ${tool.name.padEnd(9)} ${label.padEnd(10)} ${r.wall.toFixed(2)} s wall  ${r.cpu === null ? "?" : r.cpu.toFixed(2)} s cpu  +${flush.toFixed(2)} s flush  ${r.rssMB === null ? "?" : r.rssMB.toFixed(1)} MB${out.error ? `  FAILED ${out.error}` : ""}`,
  );
  return out;
}

/** medians over the repetitions; a failed repetition marks the whole cell (its numbers are still shown) */
function summarize(samples) {
  if (!samples.length) return undefined;
  const bad = samples.find((s) => s.error);
  return {
    wall: median(samples.map((s) => s.wall)),
    cpu: median(samples.map((s) => s.cpu)),
    flush: median(samples.map((s) => s.flush)),
    rssMB: median(samples.map((s) => s.rssMB)),
    ...(bad ? { error: bad.error } : {}),
    samples,
  };
}

/**
 * @param {{ size: "small" | "full", tools: any[], repeat: number, workDir: string, keep: boolean, trees?: string[], log: (s: string) => void }} options
 */
export async function runLocal({ size, tools, repeat, workDir, keep, trees: onlyTrees, log }) {
  const runnable = tools.filter((t) => !t.skip);
  const out = [];
  for (const spec of treeSpecs(size)) {
    if (onlyTrees && !onlyTrees.includes(spec.id)) continue;
    const base = path.join(workDir, size, spec.id);
    fs.mkdirSync(base, { recursive: true });
    const src = path.join(base, "src");
    log(`tree ${spec.id}: ${describeTree(spec)}`);
    const gen = ensurePristineTree(src, spec, (s) => log(s));
    const samples = Object.fromEntries(runnable.map((t) => [t.name, { initial: [], noop: [], modified: [] }]));
    const failed = new Set();
    const sample = sampleOf(spec);
    for (let rep = 1; rep <= repeat; rep++) {
      if (repeat > 1) log(`  round ${rep}/${repeat}`);
      // rotate the order each round so no tool always goes first
      const order = runnable.map((_, i) => runnable[(i + rep - 1) % runnable.length]);
      for (const tool of order) {
        if (failed.has(tool.name)) continue;
        const dst = path.join(base, `dst-${tool.name}`);
        fs.rmSync(dst, { recursive: true, force: true });
        fs.mkdirSync(dst, { recursive: true });
        const initial = await runOne(tool, src, dst, { sample, spec, log, label: "initial" });
        samples[tool.name].initial.push(initial);
        if (initial.broken) {
          failed.add(tool.name);
          continue;
        }
        if (!tool.incremental) continue;
        const noop = await runOne(tool, src, dst, { sample: [], spec, log, label: "no-op" });
        samples[tool.name].noop.push(noop);
        if (noop.broken) failed.add(tool.name);
      }
      const changed = modifyTree(src, spec, rep);
      log(`  changed ${changed.length} files (${((changed.length / fileList(spec).length) * 100).toFixed(1)}%)`);
      for (const tool of order) {
        if (failed.has(tool.name) || !tool.incremental) continue;
        const dst = path.join(base, `dst-${tool.name}`);
        const modified = await runOne(tool, src, dst, { sample: changed, spec, log, label: "5% changed" });
        samples[tool.name].modified.push(modified);
        if (modified.broken) failed.add(tool.name);
      }
    }
    const runs = {};
    for (const tool of tools) {
      if (tool.skip) continue;
      const s = samples[tool.name];
      runs[tool.name] = {
        initial: summarize(s.initial),
        noop: tool.incremental ? summarize(s.noop) ?? { skipped: true } : undefined,
        modified: tool.incremental ? summarize(s.modified) ?? { skipped: true } : undefined,
      };
    }
    const files = fileList(spec);
    out.push({
      id: spec.id,
      desc: describeTree(spec),
      files: files.length,
      bytes: files.reduce((n, f) => n + f.size, 0),
      changedPerRound: modifiedFiles(spec, 1).length,
      generatedSeconds: gen.generated ? gen.seconds : undefined,
      runs,
    });
    if (!keep) for (const tool of runnable) fs.rmSync(path.join(base, `dst-${tool.name}`), { recursive: true, force: true });
  }
  return { trees: out };
}
