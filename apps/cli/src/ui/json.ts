import type { FerryEvent } from "@ferry/core";
import type { CliIo } from "../io.js";
import { exitCodeForError } from "../errors.js";
import { toJsonEvent, type JsonEvent } from "./json-events.js";
import type { Renderer, RunEnd } from "./renderer.js";
import type { RunContext } from "./run-context.js";

const ALWAYS = new Set(["error", "summary"]);
const ERRORS_MODE = new Set(["error", "warning", "summary"]);

/**
 * --json: one event per line on stdout. Progress events are thrown away except one a second,
 * identical-key skips only with -v (a no-op run over a million keys should not print a
 * million lines), and `--quiet` / `--only-show-errors` narrow the stream further.
 */
export class JsonRenderer implements Renderer {
  private lastProgress = Number.NEGATIVE_INFINITY;
  private summaryWritten = false;

  constructor(private readonly ctx: RunContext, private readonly io: Pick<CliIo, "stdout">, private readonly now: () => number = Date.now) {}

  write(event: JsonEvent): void {
    this.io.stdout.write(`${this.ctx.scrubber.scrub(JSON.stringify(event))}\n`);
  }

  onEvent(event: FerryEvent): void {
    const v = this.ctx.output.verbosity;
    if (event.type === "progress") {
      if (!this.ctx.output.progress || v === "quiet" || v === "errors") return;
      const t = this.now();
      if (t - this.lastProgress < 1000) return;
      this.lastProgress = t;
    }
    if (event.type === "skip" && event.action.reason === "identical" && v !== "verbose") return;
    // Summary comes last, with the exit code, from finish().
    if (event.type === "summary") return;
    const json = toJsonEvent(this.ctx, event);
    if (!json) return;
    if (v === "quiet" && !ALWAYS.has(json.type)) return;
    if (v === "errors" && !ERRORS_MODE.has(json.type)) return;
    this.write(json);
  }

  async finish(end: RunEnd): Promise<void> {
    if (end.error !== undefined) {
      const e = end.error as { code?: string; message?: string; hint?: string };
      this.write({ type: "error", fatal: true, code: e.code ?? "Error", message: e.message ?? String(end.error), ...(e.hint ? { hint: e.hint } : {}), exitCode: exitCodeForError(end.error) });
    }
    if (end.summary && !this.summaryWritten) {
      this.summaryWritten = true;
      const json = toJsonEvent(this.ctx, { type: "summary", summary: end.summary });
      if (json) this.write({ ...json, exitCode: end.exitCode });
    }
  }
}
