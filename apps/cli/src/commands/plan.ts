import type { FlagValues } from "../flags/flag-values.js";
import { runSession } from "../run-session.js";
import { prepareOneWay, sdkOptions } from "./one-way.js";
import { locationSettings, type CommandEnv } from "./setup.js";
import { describeExplanation } from "./explain-text.js";
import { usageError } from "../errors.js";
import { LineWriter } from "../ui/renderer.js";

/** `ferry plan SRC DST [--out plan.json] [--explain KEY]` — sync --dry-run printing the whole plan. */
export async function runPlan(srcArg: string, dstArg: string, flags: FlagValues, env: CommandEnv, extra: { out?: string; explain?: string }): Promise<number> {
  if (extra.out !== undefined && extra.out.trim() === "") throw usageError("--out: the file name is empty");
  if (extra.explain !== undefined && extra.out !== undefined) throw usageError("--explain and --out conflict: --explain decides one key and saves no plan");
  const { ctx, mode, built, prepared } = await prepareOneWay("plan", srcArg, dstArg, flags, env);
  const [src, dst] = prepared.locations as [NonNullable<(typeof prepared.locations)[0]>, NonNullable<(typeof prepared.locations)[1]>];
  if (extra.explain !== undefined) {
    // One key's decision: no run, no UI — just the answer.
    const options = { ...built.options, ...locationSettings(prepared, env) };
    const explanation = await prepared.sdk.explain(src, dst, extra.explain, options);
    const lines = new LineWriter(env.io, env.scrubber);
    if (ctx.output.json) lines.out(JSON.stringify({ type: "explain", ...JSON.parse(JSON.stringify(explanation)) }));
    else lines.out(describeExplanation(explanation));
    return 0;
  }
  return runSession({ ctx, io: env.io, mode }, async (hooks) => {
    const options = sdkOptions(built, prepared, env, hooks);
    const result = await prepared.sdk.plan(src, dst, { ...options, ...(extra.out !== undefined ? { out: extra.out } : {}) });
    const planFile = (result as { planFile?: string }).planFile ?? extra.out;
    const stats = (result as { stats?: import("@ferry/core").RunSummary }).stats;
    return {
      summary: stats,
      ...(planFile !== undefined
        ? { notes: [`plan saved to ${planFile} (run it with: ferry apply ${planFile})`], results: mode === "json" ? [{ line: "", json: { type: "saved", path: planFile } }] : [] }
        : {}),
    };
  });
}
