import { render, type Instance } from "ink";
import type { FerryEvent } from "@ferry/core";
import type { CliIo } from "../io.js";
import { App } from "./ink/App.js";
import { LineWriter, type Renderer, type RunEnd } from "./renderer.js";
import type { RunContext } from "./run-context.js";
import { RunStore, type PlanTotals } from "./run-store.js";

/**
 * Interactive mode: an Ink app on stderr (stdout stays free for results a user may pipe).
 * Events go into a RunStore; the app samples it at a bounded frame rate.
 */
export class InkRenderer implements Renderer {
  readonly interactive = true;
  readonly store: RunStore;
  private readonly instance: Instance;
  private pendingAnswer: ((yes: boolean) => void) | undefined;
  /** set when a question had to be asked but stdin cannot answer it */
  cannotPrompt = false;

  constructor(private readonly ctx: RunContext, private readonly io: CliIo, onInterrupt: () => void) {
    this.store = new RunStore(ctx);
    this.instance = render(
      <App
        ctx={ctx}
        store={this.store}
        onAnswer={(yes) => this.answer(yes)}
        onInterrupt={onInterrupt}
      />,
      {
        stdout: io.stderr as NodeJS.WriteStream,
        stderr: io.stderr as NodeJS.WriteStream,
        stdin: io.stdin as NodeJS.ReadStream,
        exitOnCtrlC: false,
        patchConsole: false,
      },
    );
  }

  onEvent(event: FerryEvent): void {
    this.store.onEvent(event);
  }

  confirm = async (totals: PlanTotals): Promise<boolean> => {
    if (this.ctx.output.yes || totals.toDelete === 0) return true;
    if (!this.io.stdin.isTTY) {
      // An unanswerable question must not hang a run: refuse, and say which flag answers it.
      this.cannotPrompt = true;
      return false;
    }
    this.store.requestConfirm(totals);
    return new Promise<boolean>((resolve) => {
      this.pendingAnswer = resolve;
    });
  };

  private answer(yes: boolean): void {
    const resolve = this.pendingAnswer;
    if (!resolve) return;
    this.pendingAnswer = undefined;
    this.store.clearConfirm();
    resolve(yes);
  }

  /** Ctrl-C while the question is open answers it with no. */
  cancelPrompt(): void {
    this.answer(false);
  }

  async finish(end: RunEnd): Promise<void> {
    this.cancelPrompt();
    if (end.summary) this.store.onEvent({ type: "summary", summary: end.summary });
    // Let the last frame (with the summary table) reach the terminal before unmounting.
    await new Promise((r) => setTimeout(r, 150));
    this.instance.unmount();
    await this.instance.waitUntilExit().catch(() => undefined);
    const lines = new LineWriter(this.io, this.ctx.scrubber);
    for (const note of end.notes ?? []) lines.err(note);
  }
}
