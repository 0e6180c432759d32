// Where ferry's time goes: a V8 .cpuprofile (node --cpu-prof) summarised by self time, per
// area (ferry's packages, ssh2, the webdav client, node internals, GC, idle) and per function.
import fs from "node:fs";
import path from "node:path";

/** the part of the code a profile node belongs to, from its script URL */
function areaOf(callFrame) {
  const url = callFrame.url ?? "";
  const fn = callFrame.functionName;
  if (!url) {
    if (fn === "(garbage collector)") return "GC";
    if (fn === "(idle)") return "idle (waiting for I/O)";
    if (fn === "(program)") return "(program: native, not attributed)";
    return `native ${fn || "(anonymous)"}`;
  }
  const pkg = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return `npm ${pkg[1]}`;
  const ferry = /\/(packages|adapters|apps)\/([^/]+)\//.exec(url);
  if (ferry) return `ferry ${ferry[1] === "packages" ? "@ferry/" : ferry[1] === "adapters" ? "adapter-" : ""}${ferry[2]}`;
  if (url.startsWith("node:")) {
    const m = /^node:(?:internal\/)?([^/]+)/.exec(url);
    return `node ${m?.[1] ?? url}`;
  }
  return url.replace(/^file:\/\//, "");
}

/**
 * @param {string} file a .cpuprofile
 * @returns {{ totalMs: number, areas: { area: string, ms: number }[], functions: { name: string, where: string, area: string, ms: number }[] }}
 */
export function summarizeProfile(file) {
  const profile = JSON.parse(fs.readFileSync(file, "utf8"));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  const { samples, timeDeltas } = profile;
  for (let i = 0; i < samples.length; i++) {
    const dt = (timeDeltas[i + 1] ?? 0) / 1000; // the delta after a sample is the time it stood for
    self.set(samples[i], (self.get(samples[i]) ?? 0) + dt);
  }
  const areas = new Map();
  const functions = new Map();
  let totalMs = 0;
  for (const [id, ms] of self) {
    const node = byId.get(id);
    if (!node) continue;
    totalMs += ms;
    const area = areaOf(node.callFrame);
    areas.set(area, (areas.get(area) ?? 0) + ms);
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url ? `${shortUrl(url)}:${lineNumber + 1}` : "";
    const key = `${functionName}@${where}`;
    const f = functions.get(key) ?? { name: functionName || "(anonymous)", where, area, ms: 0 };
    f.ms += ms;
    functions.set(key, f);
  }
  return {
    totalMs,
    areas: [...areas].map(([area, ms]) => ({ area, ms })).sort((a, b) => b.ms - a.ms),
    functions: [...functions.values()].sort((a, b) => b.ms - a.ms),
  };
}

function shortUrl(url) {
  return url
    .replace(/^file:\/\//, "")
    .replace(/^.*node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?/, "")
    .replace(/^.*\/(packages|adapters|apps)\//, "$1/");
}

/** The newest .cpuprofile in a folder (node names them by time and pid). */
export function newestProfile(dir) {
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".cpuprofile"))
    .map((f) => path.join(dir, f));
  return files.sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs)[0];
}

export function formatProfile(title, summary, { areas = 10, functions = 12 } = {}) {
  const pct = (ms) => `${((100 * ms) / summary.totalMs).toFixed(1).padStart(5)}%`;
  const lines = [`${title}: ${(summary.totalMs / 1000).toFixed(2)} s of samples`];
  lines.push("  by area (self time)");
  for (const a of summary.areas.slice(0, areas)) lines.push(`    ${pct(a.ms)} ${(a.ms / 1000).toFixed(2).padStart(6)} s  ${a.area}`);
  lines.push("  hottest functions (self time)");
  for (const f of summary.functions.filter((f) => !f.area.startsWith("idle")).slice(0, functions)) {
    lines.push(`    ${pct(f.ms)} ${(f.ms / 1000).toFixed(2).padStart(6)} s  ${f.name}  ${f.where}`);
  }
  return lines.join("\n");
}
