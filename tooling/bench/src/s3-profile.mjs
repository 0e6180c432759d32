// Reads a V8 .cpuprofile (node --cpu-prof) and says where the time went: self time by function
// and by package, so a slow benchmark run can be explained without opening DevTools.
import fs from "node:fs";

/** "@aws-sdk/client-s3", "@smithy/…", "ferry:core", "node:internal", "(gc)", … */
function packageOf(url, fn) {
  if (!url) return fn.startsWith("(") ? fn : "(native)";
  if (url.startsWith("node:")) return "node:internal";
  const pnpm = /node_modules\/\.pnpm\/[^/]+\/node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pnpm) return pnpm[1];
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return nm[1];
  const ws = /\/(packages|adapters|apps)\/([^/]+)\//.exec(url);
  if (ws) return `ferry:${ws[2]}`;
  return url;
}

/**
 * @param {string} file a .cpuprofile
 * @param {number} top how many functions to list
 */
export function summarizeProfile(file, top = 25) {
  const profile = JSON.parse(fs.readFileSync(file, "utf8"));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  // samples[i] was taken in node samples[i]; timeDeltas[i] is the time since the previous sample
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const fns = new Map();
  const pkgs = new Map();
  let total = 0;
  for (const [id, us] of self) {
    const n = byId.get(id);
    const cf = n.callFrame;
    const name = cf.functionName || "(anonymous)";
    const key = `${name} ${cf.url ? `${cf.url.replace(/^file:\/\//, "").replace(/.*node_modules\/\.pnpm\/[^/]+\/node_modules\//, "")}:${cf.lineNumber + 1}` : ""}`;
    fns.set(key, (fns.get(key) ?? 0) + us);
    const pkg = packageOf(cf.url, name);
    pkgs.set(pkg, (pkgs.get(pkg) ?? 0) + us);
    total += us;
  }
  const idle = [...fns].filter(([k]) => k.startsWith("(idle)")).reduce((a, [, v]) => a + v, 0);
  const busy = total - idle;
  const pct = (us) => `${((100 * us) / busy).toFixed(1).padStart(5)}%`;
  const ms = (us) => `${(us / 1000).toFixed(0).padStart(6)} ms`;
  const lines = [`profile ${file}: ${(total / 1e6).toFixed(2)} s sampled, ${(busy / 1e6).toFixed(2)} s busy (idle excluded from the percentages)`];
  lines.push("self time by package:");
  for (const [k, v] of [...pkgs].filter(([k]) => k !== "(idle)").sort((a, b) => b[1] - a[1]).slice(0, 15)) lines.push(`  ${ms(v)} ${pct(v)}  ${k}`);
  lines.push(`top ${top} functions by self time:`);
  for (const [k, v] of [...fns].filter(([k]) => !k.startsWith("(idle)")).sort((a, b) => b[1] - a[1]).slice(0, top)) lines.push(`  ${ms(v)} ${pct(v)}  ${k}`);
  return lines.join("\n");
}
