import { render } from "ink-testing-library";
import { describe, expect, it, vi } from "vitest";
import { App } from "../src/ui/ink/App.js";
import { ConfirmPrompt } from "../src/ui/ink/ConfirmPrompt.js";
import { RunView } from "../src/ui/ink/RunView.js";
import { SummaryTable } from "../src/ui/ink/SummaryTable.js";
import { RunStore, type RunSnapshot } from "../src/ui/run-store.js";
import { context, runEvents, summary, transfer } from "./synthetic-events.js";

const ctx = context();
const tick = (ms = 30) => new Promise((r) => setTimeout(r, ms));

/** A store fed with events up to (and including) the first event matching `until`. */
function snapshotAt(phase: RunSnapshot["phase"]): RunSnapshot {
  let now = 0;
  const store = new RunStore(ctx, { now: () => (now += 100), largeTransferBytes: 15 });
  for (const e of runEvents()) {
    store.onEvent(e);
    if (e.type === "phase" && e.phase === phase) break;
  }
  return store.snapshot();
}

describe("Ink run view", () => {
  it("shows the header with both locations", () => {
    const { lastFrame } = render(<RunView ctx={ctx} snapshot={snapshotAt("listing")} />);
    expect(lastFrame()).toContain("ferry sync  ./site → s3://b/site");
    expect(lastFrame()).toContain("▸ listing");
  });

  it("listing phase: counters, no byte bar yet", () => {
    const frame = render(<RunView ctx={ctx} snapshot={snapshotAt("listing")} />).lastFrame()!;
    expect(frame).toMatch(/found 0 src \/ 0 dst/);
    expect(frame).not.toContain("ETA");
  });

  it("planning phase: planned transfers counted", () => {
    const frame = render(<RunView ctx={ctx} snapshot={snapshotAt("transferring")} />).lastFrame()!;
    expect(frame).toContain("✓ listing ✓ planning ▸ transferring");
    expect(frame).toMatch(/to transfer 2/);
    expect(frame).toMatch(/skipped 2/);
    expect(frame).toContain("ETA");
  });

  it("transferring phase: a bar for a large in-flight transfer and the last errors", () => {
    let now = 0;
    const store = new RunStore(ctx, { now: () => (now += 100), largeTransferBytes: 15 });
    const big = transfer("videos/big.mp4", 4 * 1024 * 1024);
    store.onEvent({ type: "phase", phase: "transferring" });
    store.onEvent({ type: "plan", action: big });
    store.onEvent({ type: "transfer-start", action: big, op: "upload" });
    store.onEvent({ type: "transfer-progress", action: big, bytes: 1024 * 1024 });
    store.onEvent({ type: "error", action: transfer("x.txt"), op: "transfer", error: { code: "Provider", message: "boom", retryable: false } });
    const frame = render(<RunView ctx={ctx} snapshot={store.snapshot()} />).lastFrame()!;
    expect(frame).toMatch(/█+░+\s+25%\s+4 MiB videos\/big\.mp4/);
    expect(frame).toContain("recent errors");
    expect(frame).toContain("upload failed: ./site/x.txt to s3://b/site/x.txt boom");
    expect(frame).toMatch(/1 MiB \/ 4 MiB 25%/);
  });

  it("deleting phase: deleted count and the warning count", () => {
    let now = 0;
    const store = new RunStore(ctx, { now: () => (now += 100) });
    for (const e of runEvents()) store.onEvent(e);
    const frame = render(<RunView ctx={ctx} snapshot={store.snapshot()} />).lastFrame()!;
    expect(frame).toMatch(/deleted 1/);
    expect(frame).toMatch(/failed 1/);
    expect(frame).toContain("1 warning");
  });

  it("done: the summary table", () => {
    let now = 0;
    const store = new RunStore(ctx, { now: () => (now += 100) });
    for (const e of runEvents()) store.onEvent(e);
    store.onEvent({ type: "summary", summary: summary() });
    const frame = render(<RunView ctx={ctx} snapshot={store.snapshot()} />).lastFrame()!;
    expect(frame).toContain("▸ done");
    expect(frame).toMatch(/Transferred\s+2 files, 30 B/);
    expect(frame).toMatch(/Throughput\s+20 B\/s/);
  });
});

describe("summary table", () => {
  it("shows dry runs and refusals", () => {
    const dry = render(<SummaryTable summary={summary({ dryRun: true })} />).lastFrame()!;
    expect(dry).toContain("dry run: done");
    expect(dry).toMatch(/Would transfer\s+2 files/);
    expect(dry).toMatch(/Would delete\s+1/);
    const refused = render(<SummaryTable summary={summary({ outcome: "refused", reason: "the plan deletes 80 of 100 keys (max 50%)" })} />).lastFrame()!;
    expect(refused).toContain("refused: the plan deletes 80 of 100 keys (max 50%)");
  });
});

describe("confirm prompt", () => {
  const totals = { toTransfer: 3, toTransferBytes: 2048, toDelete: 7 };

  it("shows the plan totals", () => {
    const frame = render(<ConfirmPrompt totals={totals} onAnswer={() => undefined} />).lastFrame()!;
    expect(frame).toContain("transfer 3 (2 KiB), delete 7");
    expect(frame).toContain("Proceed? [y/N]");
  });

  it("answers yes on y", async () => {
    const onAnswer = vi.fn();
    const { stdin } = render(<ConfirmPrompt totals={totals} onAnswer={onAnswer} />);
    await tick();
    stdin.write("y");
    await tick();
    expect(onAnswer).toHaveBeenCalledWith(true);
  });

  it("answers no on n and on Enter", async () => {
    const onAnswer = vi.fn();
    const { stdin } = render(<ConfirmPrompt totals={totals} onAnswer={onAnswer} />);
    await tick();
    stdin.write("n");
    await tick();
    stdin.write("\r");
    await tick();
    expect(onAnswer.mock.calls).toEqual([[false], [false]]);
  });

  it("is shown by the app when the store asks, and hidden once answered", async () => {
    const store = new RunStore(ctx);
    const answers: boolean[] = [];
    const { lastFrame, stdin } = render(<App ctx={ctx} store={store} frameMs={10} onAnswer={(y) => { answers.push(y); store.clearConfirm(); }} onInterrupt={() => undefined} />);
    store.requestConfirm(totals);
    await tick(50);
    expect(lastFrame()).toContain("Proceed? [y/N]");
    stdin.write("y");
    await tick(50);
    expect(answers).toEqual([true]);
    expect(lastFrame()).not.toContain("Proceed?");
  });

  it("Ctrl-C in the app interrupts", async () => {
    const store = new RunStore(ctx);
    const onInterrupt = vi.fn();
    const { stdin } = render(<App ctx={ctx} store={store} frameMs={10} onAnswer={() => undefined} onInterrupt={onInterrupt} />);
    await tick();
    stdin.write("\u0003");
    await tick();
    expect(onInterrupt).toHaveBeenCalled();
  });
});
