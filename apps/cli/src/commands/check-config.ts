import { loadConfig } from "../config/load.js";
import { envReferences } from "../config/remotes.js";
import { loadSdk } from "../sdk.js";
import type { FlagValues } from "../flags/flag-values.js";
import { outputSettings } from "../flags/output.js";
import { LineWriter } from "../ui/renderer.js";
import type { CommandEnv } from "./setup.js";

/**
 * `ferry check-config` — validates the config file (a problem exits 2 through the usual error
 * path) and lists each remote with the environment variables it needs; unset ones are warned
 * about, since they fail only when that remote is used.
 */
export async function runCheckConfig(flags: FlagValues, env: CommandEnv): Promise<number> {
  const output = outputSettings(flags);
  const loaded = await loadConfig(flags.str("config"), env.io.env);
  const lines = new LineWriter(env.io, env.scrubber);
  const remotes = Object.entries(loaded.config.remotes);
  const sdk = remotes.length > 0 ? await loadSdk() : undefined;
  const report = remotes.map(([name, remote]) => {
    const refs = envReferences(remote).map((r) => ({ ...r, set: (env.io.env[r.variable] ?? "") !== "" }));
    // The URL shown never contains a secret: only unresolved references go in.
    return { name, type: remote.type, location: sdk!.redactUrl(sdk!.remoteToUrl(name, remote, "").url), env: refs };
  });
  if (output.json) {
    lines.out(JSON.stringify({ type: "config", path: loaded.path, exists: loaded.exists, valid: true, remotes: report }));
    return 0;
  }
  if (!loaded.exists) {
    lines.out(`no config file at ${loaded.path} (that is fine: named remotes are optional)`);
    return 0;
  }
  lines.out(`${loaded.path}: valid, ${remotes.length} remote${remotes.length === 1 ? "" : "s"}`);
  for (const r of report) {
    lines.out(`  ${r.name}: ${r.type} ${r.location}`);
    for (const ref of r.env) {
      if (!ref.set && output.verbosity !== "quiet") lines.err(`warning: remote "${r.name}": ${ref.field} refers to $${ref.variable}, which is not set`);
    }
  }
  return 0;
}
