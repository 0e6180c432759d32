import { closeSync, openSync, readSync } from "node:fs";
import { usageError } from "../errors.js";
import type { FlagValues } from "../flags/flag-values.js";
import { transferSettings } from "../flags/transfer.js";
import { parseLocationArg } from "../locations/location-arg.js";
import { runSession } from "../run-session.js";
import { locationArgs, locationSettings, outputSetup, prepareLocations, runContext, type CommandEnv } from "./setup.js";

/**
 * The locations a saved plan names. The file is one JSON document whose first line is the
 * header, so only that line is read — a plan may hold millions of actions.
 */
export function planHeaderLocations(path: string): { src: string; dst: string } | undefined {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (e) {
    const code = (e as { code?: string }).code;
    throw usageError(`plan file ${path}: cannot read it (${code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory" : (e as Error).message})`, "make one with: ferry plan SRC DST --out plan.json");
  }
  try {
    const buffer = Buffer.alloc(64 * 1024);
    const n = readSync(fd, buffer, 0, buffer.length, 0);
    const firstLine = buffer.subarray(0, n).toString("utf8").split("\n")[0] ?? "";
    const cut = firstLine.lastIndexOf(',"actions":[');
    const header = JSON.parse(cut >= 0 ? `${firstLine.slice(0, cut)}}` : firstLine) as { ferryPlan?: unknown; src?: unknown; dst?: unknown };
    if (header.ferryPlan === undefined) throw new Error("no ferryPlan header");
    return typeof header.src === "string" && typeof header.dst === "string" ? { src: header.src, dst: header.dst } : undefined;
  } catch {
    throw usageError(`plan file ${path}: not a ferry plan`, "make one with: ferry plan SRC DST --out plan.json");
  } finally {
    closeSync(fd);
  }
}

/** `ferry apply plan.json [--src LOC] [--dst LOC]` — executes exactly a saved plan. */
export async function runApply(planPath: string, flags: FlagValues, env: CommandEnv, override: { src?: string; dst?: string }): Promise<number> {
  const { output, mode } = outputSetup(flags, env);
  const transfer = transferSettings(flags);
  const saved = planHeaderLocations(planPath);
  // Saved plans keep locations with credentials redacted: --src/--dst give them again.
  const [src, dst] = locationArgs([override.src ?? saved?.src ?? "src", override.dst ?? saved?.dst ?? "dst"], env);
  const prepared = await prepareLocations(saved || (override.src && override.dst) ? [src!, dst!] : [], flags, env, saved !== undefined);
  const ctx = runContext("apply", src ?? parseLocationArg("src"), dst ?? parseLocationArg("dst"), false, output, env);
  return runSession({ ctx, io: env.io, mode }, async (hooks) => {
    const result = await prepared.sdk.execute(planPath, {
      ...transfer,
      ...(flags.bool("force") ? { force: true } : {}),
      ...(override.src !== undefined ? { src: override.src } : {}),
      ...(override.dst !== undefined ? { dst: override.dst } : {}),
      ...locationSettings(prepared, env),
      onEvent: hooks.onEvent,
      signal: hooks.signal,
      collectKeys: false,
    });
    return { summary: result.stats };
  });
}
