import { createHash } from "node:crypto";
import { type Adapter, type Entry, FerryError, type FerryEvent, runPlan } from "@ferry/core";
import type { CheckDifference, CheckOptions, CheckResult, Location } from "./options.js";
import { prepareRun } from "./prepare.js";

/**
 * Compares two locations without changing either (SPEC §2 `check`): every key missing on one
 * side or different is a difference. `checkAll` compares the content of every pair by reading
 * both sides.
 */
export async function check(src: Location, dst: Location, options: CheckOptions = {}): Promise<CheckResult> {
  // the comparator reads through the adapters, which exist only once the run is prepared
  const opened: { src?: Adapter; dst?: Adapter } = {};
  const run = await prepareRun(
    src,
    dst,
    { ...options, mode: "sourceToDestination", dryRun: true, force: true, ...(options.checkAll ? { compare: contentComparator(opened) } : {}) },
    "check",
  );
  opened.src = run.adapters.src;
  opened.dst = run.adapters.dst;
  const differences: CheckDifference[] = [];
  const errors: NonNullable<CheckResult["errors"]> = [];
  try {
    const summary = await runPlan(run.plan(), {
      ...run.runOptions,
      adapters: run.adapters,
      stats: run.stats,
      emit: (event: FerryEvent) => {
        if (event.type === "plan") {
          const a = event.action;
          if (a.type === "transfer") {
            differences.push(a.target ? { key: a.targetKey, kind: "differ", reason: a.reason } : { key: a.targetKey, kind: "missing-on-dst" });
          } else if (a.type === "delete") {
            differences.push({ key: a.key, kind: "missing-on-src" });
          }
        } else if (event.type === "error") {
          errors.push({ key: event.error.key ?? "", error: new FerryError(event.error.code, event.error.message, { key: event.error.key }) });
        }
        options.onEvent?.(event);
      },
    });
    return { identical: differences.length === 0 && errors.length === 0, differences, ...(errors.length ? { errors } : {}), stats: summary };
  } finally {
    await run.close();
  }
}

function contentComparator(opened: { src?: Adapter; dst?: Adapter }): (a: Entry, b: Entry) => Promise<boolean> {
  return async (a, b) => {
    if (a.size !== b.size) return false;
    const [ha, hb] = await Promise.all([md5Of(opened.src!, a.key), md5Of(opened.dst!, b.key)]);
    return ha === hb;
  };
}

async function md5Of(adapter: Adapter, key: string): Promise<string> {
  const h = createHash("md5");
  for await (const chunk of await adapter.read(key)) h.update(chunk as Buffer);
  return h.digest("hex");
}
