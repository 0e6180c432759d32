import type { FerryEvent } from "@ferry/core";
import type { CliIo } from "../io.js";
import { sidePath, transferPaths, transferVerb } from "./describe.js";
import { describeErrorEvent } from "./error-lines.js";
import { progressLine } from "./progress-line.js";
import { LineWriter, type Renderer, type RunEnd } from "./renderer.js";
import type { RunContext } from "./run-context.js";
import { RunStore } from "./run-store.js";
import { outcomeLine, summaryLines } from "./summary-lines.js";

/** Skips worth telling at normal verbosity: something the user asked for was not done. */
const NOTABLE_SKIPS = new Set(["invalid-key", "unsupported-type"]);

export interface PlainRendererOptions {
  /** ms between progress lines on stderr */
  progressIntervalMs?: number;
}

/**
 * Plain mode (not a TTY, or CI): aws-style result lines on stdout, failures, warnings, a
 * periodic progress line and the summary on stderr.
 */
export class PlainRenderer implements Renderer {
  private readonly lines: LineWriter;
  private readonly store: RunStore;
  private timer: NodeJS.Timeout | undefined;
  /** the engine announced the plan: dry-run lines come from plan events, not their echoes */
  private sawPlan = false;

  constructor(private readonly ctx: RunContext, io: Pick<CliIo, "stdout" | "stderr">, options: PlainRendererOptions = {}) {
    this.lines = new LineWriter(io, ctx.scrubber);
    this.store = new RunStore(ctx);
    const v = ctx.output.verbosity;
    if (ctx.output.progress && (v === "normal" || v === "verbose")) {
      this.timer = setInterval(() => this.lines.err(progressLine(this.store.snapshot())), options.progressIntervalMs ?? 5000);
      this.timer.unref();
    }
  }

  private get showResults(): boolean {
    return this.ctx.output.verbosity === "normal" || this.ctx.output.verbosity === "verbose";
  }

  onEvent(event: FerryEvent): void {
    this.store.onEvent(event);
    const ctx = this.ctx;
    const dry = (flag: boolean) => (flag ? "(dryrun) " : "");
    switch (event.type) {
      case "plan": {
        if (!ctx.dryRun) return;
        this.sawPlan = true;
        if (!this.showResults) return;
        const a = event.action;
        if (a.type === "transfer") this.lines.out(`(dryrun) ${transferVerb(ctx, a)}: ${transferPaths(ctx, a)}`);
        else if (a.type === "delete") {
          if (!(ctx.command === "move" && a.reason === "moved")) this.lines.out(`(dryrun) delete: ${sidePath(ctx, a.side, a.key)}`);
        } else this.lines.out(`(dryrun) move: ${sidePath(ctx, a.side, a.fromKey)} to ${sidePath(ctx, a.side, a.toKey)}`);
        return;
      }
      case "transfer":
        if ((event.dryRun && this.sawPlan) || !this.showResults) return;
        this.lines.out(`${dry(event.dryRun)}${transferVerb(ctx, event.action, event.op)}: ${transferPaths(ctx, event.action)}`);
        return;
      case "delete":
        if ((event.dryRun && this.sawPlan) || !this.showResults) return;
        // A move's source removal is part of its `move:` line.
        if (ctx.command === "move" && event.action.reason === "moved") return;
        this.lines.out(`${dry(event.dryRun)}delete: ${sidePath(ctx, event.action.side, event.action.key)}`);
        return;
      case "move":
        if ((event.dryRun && this.sawPlan) || !this.showResults) return;
        this.lines.out(`${dry(event.dryRun)}move: ${sidePath(ctx, event.action.side, event.action.fromKey)} to ${sidePath(ctx, event.action.side, event.action.toKey)}`);
        return;
      case "skip": {
        const a = event.action;
        const notable = NOTABLE_SKIPS.has(a.reason) && ctx.output.verbosity !== "quiet";
        // a no-op run brings one skip per key: format only the lines that are printed
        if (!notable && ctx.output.verbosity !== "verbose") return;
        const line = `skip: ${sidePath(ctx, a.side ?? "src", a.key)} (${a.reason}${a.detail ? `: ${a.detail}` : ""})`;
        if (notable) this.lines.err(line);
        else this.lines.out(line);
        return;
      }
      case "conflict": {
        if (!this.showResults) return;
        const c = event.conflict;
        const kept = c.keptAs ? `, kept the other as ${sidePath(ctx, c.keptAs.side, c.keptAs.key)}` : "";
        this.lines.out(`conflict: ${c.key} (${c.resolution}${kept})`);
        return;
      }
      case "error":
        this.lines.err(describeErrorEvent(ctx, event));
        return;
      case "warning":
        if (ctx.output.verbosity !== "quiet") this.lines.err(`warning: ${event.key !== undefined ? `${event.key}: ` : ""}${event.message}`);
        return;
      default:
        return;
    }
  }

  async finish(end: RunEnd): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    const v = this.ctx.output.verbosity;
    for (const note of end.notes ?? []) if (v !== "quiet") this.lines.err(note);
    const summary = end.summary;
    if (!summary) return;
    const why = outcomeLine(summary);
    if (why) this.lines.err(`ferry: ${why}`);
    if (v === "quiet") return;
    for (const line of summaryLines(summary)) this.lines.err(line);
  }
}
