import type { FlagValues } from "../flags/flag-values.js";
import { outputSettings } from "../flags/output.js";
import { loadSdk } from "../sdk.js";
import { LineWriter } from "../ui/renderer.js";
import type { CommandEnv } from "./setup.js";

export interface AdapterRow {
  name: string;
  schemes: string[];
  package: string;
  description: string;
  installed: boolean;
  capabilities?: Record<string, unknown>;
}

/** Installed = resolvable from here, as the SDK's dynamic import would find it. */
function installed(pkg: string): boolean {
  try {
    import.meta.resolve(pkg);
    return true;
  } catch {
    return false;
  }
}

/** Every adapter package exports `capabilities`: what it can do with its default options. */
async function capabilitiesOf(pkg: string): Promise<Record<string, unknown> | undefined> {
  try {
    const mod = (await import(pkg)) as Record<string, unknown>;
    const caps = mod.capabilities;
    return caps && typeof caps === "object" ? (caps as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const SHOWN_CAPABILITIES = ["serverSideCopy", "rangeReads", "atomicWrites", "emptyDirectories", "symlinks", "permissions"] as const;

function capabilityText(caps: Record<string, unknown> | undefined): string {
  if (!caps) return "";
  const flags = SHOWN_CAPABILITIES.filter((c) => caps[c] === true);
  const hashes = Array.isArray(caps.hashes) && caps.hashes.length > 0 ? [`hashes:${(caps.hashes as string[]).join("/")}`] : [];
  const mtime = typeof caps.mtime === "string" ? [`mtime:${caps.mtime}`] : [];
  return [...mtime, ...hashes, ...flags].join(" ");
}

/** `ferry adapters` */
export async function runAdapters(flags: FlagValues, env: CommandEnv): Promise<number> {
  const output = outputSettings(flags);
  const sdk = await loadSdk();
  const rows: AdapterRow[] = [];
  for (const a of sdk.KNOWN_ADAPTERS) {
    const isInstalled = installed(a.package);
    const caps = isInstalled ? await capabilitiesOf(a.package) : undefined;
    rows.push({ name: a.name, schemes: a.schemes, package: a.package, description: a.description, installed: isInstalled, ...(caps ? { capabilities: caps } : {}) });
  }
  const lines = new LineWriter(env.io, env.scrubber);
  if (output.json) {
    for (const r of rows) lines.out(JSON.stringify({ type: "adapter", ...r }));
    return 0;
  }
  const nameWidth = Math.max(...rows.map((r) => r.name.length), 4) + 2;
  const schemeWidth = Math.max(...rows.map((r) => r.schemes.join(" ").length), 7) + 2;
  const pkgWidth = Math.max(...rows.map((r) => r.package.length), 7) + 2;
  lines.out(`${"NAME".padEnd(nameWidth)}${"SCHEMES".padEnd(schemeWidth)}${"PACKAGE".padEnd(pkgWidth)}${"STATUS".padEnd(15)}DESCRIPTION`);
  for (const r of rows) {
    const status = r.installed ? "installed" : "not installed";
    lines.out(`${r.name.padEnd(nameWidth)}${r.schemes.join(" ").padEnd(schemeWidth)}${r.package.padEnd(pkgWidth)}${status.padEnd(15)}${r.description}`);
    const caps = capabilityText(r.capabilities);
    if (caps) lines.out(`${" ".repeat(nameWidth)}${caps}`);
  }
  if (rows.some((r) => !r.installed)) lines.out("\nInstall a missing adapter with: npm install -g <package>");
  return 0;
}
