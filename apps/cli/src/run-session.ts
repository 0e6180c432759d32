import { setMaxListeners } from "node:events";
import type { EventSink, RunSummary } from "@ferry/core";
import { exitCodeForError, formatError, usageError } from "./errors.js";
import { ExitCode, exitCodeForOutcome } from "./exit-codes.js";
import type { CliIo } from "./io.js";
import { JsonRenderer } from "./ui/json.js";
import type { OutputMode } from "./ui/mode.js";
import { PlainRenderer } from "./ui/plain.js";
import { LineWriter, type Renderer } from "./ui/renderer.js";
import type { JsonEvent } from "./ui/json-events.js";
import type { RunContext } from "./ui/run-context.js";
import type { PlanTotals } from "./ui/run-store.js";

export interface RunHooks {
  onEvent: EventSink;
  signal: AbortSignal;
  /** present when the mode asks before destructive plans; pass it to the SDK as `confirm` */
  confirm: ((totals: PlanTotals) => Promise<boolean>) | undefined;
  renderer: Renderer;
}

export interface RunOutcome {
  summary?: RunSummary | undefined;
  /** overrides the exit code derived from the summary (check: 1 when different) */
  exitCode?: number;
  notes?: string[];
  /** result records for stdout: a line in plain/ink mode, a JSON event in --json mode */
  results?: Array<{ line: string; json: JsonEvent }>;
}

export interface SessionOptions {
  ctx: RunContext;
  io: CliIo;
  mode: OutputMode;
  /** the plain renderer's progress period (tests shorten it) */
  progressIntervalMs?: number;
}

async function makeRenderer(options: SessionOptions, interrupt: () => void): Promise<Renderer> {
  const { ctx, io, mode } = options;
  if (mode === "json") return new JsonRenderer(ctx, io);
  // Ink and React load only for a person at a terminal: scripts start faster without them.
  if (mode === "ink") return new (await import("./ui/ink-renderer.js")).InkRenderer(ctx, io, interrupt);
  return new PlainRenderer(ctx, io, options.progressIntervalMs === undefined ? {} : { progressIntervalMs: options.progressIntervalMs });
}

/**
 * Runs one engine call under a renderer: wires events, the confirm question and Ctrl-C
 * (abort, let the SDK finish cleanly, print the summary, exit 130; a second Ctrl-C exits at
 * once), and turns the result or the error into one exit code.
 */
export async function runSession(options: SessionOptions, run: (hooks: RunHooks) => Promise<RunOutcome>): Promise<number> {
  const { ctx, io } = options;
  const controller = new AbortController();
  // every transfer in flight (--transfers, default 16) listens on this one signal; without this
  // Node warns "MaxListenersExceededWarning" on stderr at the 11th
  setMaxListeners(0, controller.signal);
  let interrupted = false;
  let renderer: Renderer | undefined;
  const interrupt = () => {
    if (interrupted) process.exit(ExitCode.Interrupted);
    interrupted = true;
    renderer?.cancelPrompt?.();
    controller.abort(new Error("interrupted by Ctrl-C"));
  };
  const active = await makeRenderer(options, interrupt);
  renderer = active;
  process.on("SIGINT", interrupt);
  process.on("SIGTERM", interrupt);

  let declined = false;
  const confirm =
    active.confirm && !ctx.dryRun && !ctx.output.yes
      ? async (totals: PlanTotals) => {
          const yes = await active.confirm!(totals);
          if (!yes) declined = true;
          return yes;
        }
      : undefined;

  const errorLines = (e: unknown) => formatError(e, { debug: ctx.output.debug, scrubber: ctx.scrubber });
  try {
    const outcome = await run({ onEvent: (e) => active.onEvent(e), signal: controller.signal, confirm, renderer: active });
    const summary = outcome.summary;
    let exitCode: number = outcome.exitCode ?? (summary ? exitCodeForOutcome(summary.outcome, summary.failed) : ExitCode.Success);
    if (interrupted) exitCode = ExitCode.Interrupted;
    let failure: unknown;
    if (active.cannotPrompt) {
      failure = usageError("this plan deletes keys and needs confirmation, but stdin is not a terminal", "pass --yes to proceed without asking (nothing was changed)");
      exitCode = ExitCode.Usage;
    } else if (declined && !interrupted) {
      exitCode = ExitCode.Refused;
    }
    const printResults = () => {
      const lines = new LineWriter(io, ctx.scrubber);
      for (const r of outcome.results ?? []) {
        if (active instanceof JsonRenderer) active.write(r.json);
        else lines.out(r.line);
      }
    };
    // Results precede the JSON summary line; the Ink screen must be gone before lines appear.
    if (!active.interactive) printResults();
    await active.finish({ summary, exitCode, notes: [...(outcome.notes ?? []), ...(declined && failure === undefined && !interrupted ? ["ferry: not confirmed; nothing was changed"] : [])], ...(failure ? { error: failure } : {}) });
    if (active.interactive) printResults();
    if (failure) for (const line of errorLines(failure)) io.stderr.write(`${line}\n`);
    return exitCode;
  } catch (e) {
    const exitCode = interrupted ? ExitCode.Interrupted : exitCodeForError(e);
    await active.finish({ exitCode, error: e });
    for (const line of errorLines(e)) io.stderr.write(`${line}\n`);
    return exitCode;
  } finally {
    process.off("SIGINT", interrupt);
    process.off("SIGTERM", interrupt);
  }
}
