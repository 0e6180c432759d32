import type { FerryEvent, RunSummary } from "@ferry/core";
import type { CliIo } from "../io.js";
import type { PlanTotals } from "./run-store.js";
import type { SecretScrubber } from "../secrets.js";

export interface RunEnd {
  summary?: RunSummary | undefined;
  exitCode: number;
  /** a run-level error (already formatted lines are printed by the caller) */
  error?: unknown;
  /** extra lines for the end of the run (check differences, plan file written …) */
  notes?: string[];
}

/** One output mode. Chosen once per run (ui/mode.ts); commands never print directly. */
export interface Renderer {
  onEvent(event: FerryEvent): void;
  /** asks before a destructive plan; absent when the mode never asks */
  confirm?: (totals: PlanTotals) => Promise<boolean>;
  /** prints the end of the run; resolves when output is flushed */
  finish(end: RunEnd): Promise<void>;
  /** the Ink UI: owns the terminal until finish(), so result lines wait until after it */
  readonly interactive?: boolean;
  /** true when a question had to be asked but stdin cannot answer it */
  readonly cannotPrompt?: boolean;
  /** Ctrl-C while a question is open answers it with no */
  cancelPrompt?(): void;
}

/** Writes whole lines through the secret scrubber — the only way renderers print. */
export class LineWriter {
  constructor(private readonly io: Pick<CliIo, "stdout" | "stderr">, private readonly scrubber: SecretScrubber) {}
  out(line: string): void {
    this.io.stdout.write(`${this.scrubber.scrub(line)}\n`);
  }
  err(line: string): void {
    this.io.stderr.write(`${this.scrubber.scrub(line)}\n`);
  }
}
