import { readFileSync } from "node:fs";
import type { FlagValues } from "../flags/flag-values.js";
import { usageError } from "../errors.js";
import { safetySettings } from "../flags/safety.js";
import { transferSettings } from "../flags/transfer.js";
import { parseLocationArg } from "../locations/location-arg.js";
import { runSession } from "../run-session.js";
import { outputSetup, prepareLocations, runContext, type CommandEnv } from "./setup.js";

/** The two locations a saved plan names, for display; whatever field names the file uses. */
function planLocations(path: string): { src: string; dst: string; known: boolean } {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    const code = (e as { code?: string }).code;
    throw usageError(`plan file ${path}: cannot read it (${code === "ENOENT" ? "no such file" : (e as Error).message})`, "create one with `ferry plan SRC DST --out plan.json`");
  }
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch (e) {
    throw usageError(`plan file ${path}: invalid JSON (${(e as Error).message})`, "create one with `ferry plan SRC DST --out plan.json`");
  }
  if (!json || typeof json !== "object" || Array.isArray(json)) throw usageError(`plan file ${path}: not a ferry plan`);
  const pick = (...names: string[]) => {
    for (const n of names) {
      const v = json[n];
      if (typeof v === "string") return v;
      if (v && typeof v === "object" && typeof (v as { root?: unknown }).root === "string") return (v as { root: string }).root;
      if (v && typeof v === "object" && typeof (v as { location?: unknown }).location === "string") return (v as { location: string }).location;
    }
    return undefined;
  };
  const src = pick("src", "source");
  const dst = pick("dst", "destination");
  return src !== undefined && dst !== undefined ? { src, dst, known: true } : { src: "src", dst: "dst", known: false };
}

/** `ferry apply plan.json` — executes exactly a saved plan. */
export async function runApply(planPath: string, flags: FlagValues, env: CommandEnv): Promise<number> {
  const { output, mode } = outputSetup(flags, env);
  const transfer = transferSettings(flags);
  const safety = safetySettings(flags, true);
  const names = planLocations(planPath);
  const src = parseLocationArg(names.src);
  const dst = parseLocationArg(names.dst);
  // The plan names its own locations; opening them is the SDK's job. Only the adapter flags
  // are checked against them here, when the file says which they are.
  const prepared = await prepareLocations(names.known ? [src, dst] : [], flags, env, names.known);
  prepared.locations = [];
  const ctx = runContext("apply", src, dst, false, output, env);
  return runSession({ ctx, io: env.io, mode }, async (hooks) => {
    const result = await prepared.sdk.execute(planPath, {
      ...transfer,
      ...(safety.force ? { force: true } : {}),
      adapterOptions: prepared.adapterOptions,
      env: env.io.env,
      ...(prepared.configPath ? { configPath: prepared.configPath } : {}),
      onEvent: hooks.onEvent,
      signal: hooks.signal,
      collectKeys: false,
    } as Parameters<typeof prepared.sdk.execute>[1]);
    return { summary: result.stats };
  });
}
