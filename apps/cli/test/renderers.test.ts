import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { JsonRenderer } from "../src/ui/json.js";
import { PlainRenderer } from "../src/ui/plain.js";
import { progressLine } from "../src/ui/progress-line.js";
import { RunStore } from "../src/ui/run-store.js";
import { decideOutputMode } from "../src/ui/mode.js";
import { context, del, runEvents, summary, transfer } from "./synthetic-events.js";

function capture() {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.on("data", (d) => (out += String(d)));
  stderr.on("data", (d) => (err += String(d)));
  return { io: { stdout, stderr }, out: () => out, err: () => err };
}

describe("output mode", () => {
  const tty = { isTTY: true } as never;
  it("is ink only for a terminal outside CI without --json", () => {
    expect(decideOutputMode({ stderr: tty, env: {} }, false)).toBe("ink");
    expect(decideOutputMode({ stderr: tty, env: { CI: "true" } }, false)).toBe("plain");
    expect(decideOutputMode({ stderr: tty, env: {} }, true)).toBe("json");
    expect(decideOutputMode({ stderr: {} as never, env: {} }, false)).toBe("plain");
  });
});

describe("plain renderer", () => {
  it("prints aws-style lines, failures on stderr and a summary", async () => {
    const c = capture();
    const r = new PlainRenderer(context(), c.io);
    for (const e of runEvents()) r.onEvent(e);
    await r.finish({ summary: summary({ failed: 1, outcome: "partial" }), exitCode: 1 });
    expect(c.out().split("\n")).toEqual(["upload: ./site/a.txt to s3://b/site/a.txt", "delete: s3://b/site/old.txt", ""]);
    const err = c.err();
    expect(err).toContain("upload failed: ./site/dir/b.txt to s3://b/site/dir/b.txt 503 Slow Down");
    expect(err).toContain("skip: ./site/../../etc/passwd (invalid-key: contains ..)");
    expect(err).toContain("warning: fifo: special file skipped");
    expect(err).toMatch(/Transferred:\s+2 files, 30 B/);
    expect(err).toMatch(/Found:\s+3 src, 2 dst/);
  });

  it("prints (dryrun) lines from the plan, once", async () => {
    const c = capture();
    const r = new PlainRenderer(context({ dryRun: true }), c.io);
    const a = transfer("a.txt");
    r.onEvent({ type: "plan", action: a });
    r.onEvent({ type: "plan", action: del("old.txt") });
    r.onEvent({ type: "transfer", action: a, op: "upload", bytes: 10, elapsedMs: 0, dryRun: true });
    await r.finish({ summary: summary({ dryRun: true }), exitCode: 0 });
    expect(c.out()).toBe("(dryrun) upload: ./site/a.txt to s3://b/site/a.txt\n(dryrun) delete: s3://b/site/old.txt\n");
    expect(c.err()).toMatch(/Would transfer:\s+2 files/);
  });

  it("says download and move by direction and command", async () => {
    const c = capture();
    const r = new PlainRenderer(context({ sides: { src: { display: "s3://b", local: false }, dst: { display: ".", local: true } } }), c.io);
    r.onEvent({ type: "transfer", action: transfer("k"), op: "download", bytes: 1, elapsedMs: 1, dryRun: false });
    const m = capture();
    const mv = new PlainRenderer(context({ command: "move" }), m.io);
    mv.onEvent({ type: "transfer", action: transfer("k"), op: "upload", bytes: 1, elapsedMs: 1, dryRun: false });
    mv.onEvent({ type: "delete", action: { ...del("k"), side: "src", reason: "moved" }, dryRun: false });
    expect(c.out()).toBe("download: s3://b/k to ./k\n");
    expect(m.out()).toBe("move: ./site/k to s3://b/site/k\n");
  });

  it("-v adds skips; --quiet keeps only errors; --only-show-errors keeps the summary", async () => {
    const verbose = capture();
    const v = new PlainRenderer(context({}, { verbosity: "verbose" }), verbose.io);
    for (const e of runEvents()) v.onEvent(e);
    expect(verbose.out()).toContain("skip: ./site/same.txt (identical)");

    const quiet = capture();
    const q = new PlainRenderer(context({}, { verbosity: "quiet" }), quiet.io);
    for (const e of runEvents()) q.onEvent(e);
    await q.finish({ summary: summary(), exitCode: 0 });
    expect(quiet.out()).toBe("");
    expect(quiet.err().trim().split("\n")).toEqual(["upload failed: ./site/dir/b.txt to s3://b/site/dir/b.txt 503 Slow Down"]);

    const errors = capture();
    const o = new PlainRenderer(context({}, { verbosity: "errors" }), errors.io);
    for (const e of runEvents()) o.onEvent(e);
    await o.finish({ summary: summary(), exitCode: 0 });
    expect(errors.out()).toBe("");
    expect(errors.err()).toContain("Transferred:");
  });

  it("prints a progress line periodically unless --no-progress", async () => {
    const c = capture();
    const r = new PlainRenderer(context(), c.io, { progressIntervalMs: 20 });
    r.onEvent({ type: "phase", phase: "transferring" });
    r.onEvent({ type: "plan", action: transfer("big", 1000) });
    await new Promise((res) => setTimeout(res, 70));
    await r.finish({ exitCode: 0 });
    expect(c.err()).toMatch(/^Transferred: 0 B \/ 1000 B, 0%, .*ETA .*; files 0\/1; deleted 0; failed 0$/m);

    const n = capture();
    const quiet = new PlainRenderer(context({}, { progress: false }), n.io, { progressIntervalMs: 10 });
    await new Promise((res) => setTimeout(res, 40));
    await quiet.finish({ exitCode: 0 });
    expect(n.err()).toBe("");
  });

  it("scrubs secrets from every line", async () => {
    const c = capture();
    const ctx = context({ sides: { src: { display: "./a", local: true }, dst: { display: "webdav://u:***@h/d", local: false } } });
    ctx.scrubber.add("sekr1t-pw");
    const r = new PlainRenderer(ctx, c.io);
    r.onEvent({ type: "error", action: transfer("x"), op: "transfer", error: { code: "Unauthorized", message: "401 for u:sekr1t-pw", retryable: false } });
    expect(c.err()).not.toContain("sekr1t-pw");
  });
});

describe("json renderer", () => {
  it("prints one documented event per line, summary last with the exit code", async () => {
    const c = capture();
    const r = new JsonRenderer(context(), c.io);
    for (const e of runEvents()) r.onEvent(e);
    await r.finish({ summary: summary(), exitCode: 1 });
    const events = c.out().trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(events.map((e) => e.type)).toEqual([
      "phase", "phase", "plan", "plan", "plan", "skip", "phase", "transfer", "error", "warning", "phase", "delete", "phase", "summary",
    ]);
    expect(events[2]).toEqual({ type: "plan", op: "upload", key: "a.txt", from: "src", to: "dst", bytes: 10, reason: "new" });
    expect(events[4]).toEqual({ type: "plan", op: "delete", key: "old.txt", side: "dst", bytes: 3, reason: "extraneous" });
    expect(events[5]).toEqual({ type: "skip", key: "../../etc/passwd", reason: "invalid-key", detail: "contains .." });
    expect(events[7]).toEqual({ type: "transfer", op: "upload", key: "a.txt", from: "src", to: "dst", bytes: 10, ms: 3, reason: "new", dryRun: false });
    expect(events[8]).toEqual({ type: "error", op: "upload", key: "dir/b.txt", side: "src", code: "Provider", message: "503 Slow Down", retryable: false });
    expect(events[11]).toEqual({ type: "delete", key: "old.txt", side: "dst", reason: "extraneous", dryRun: false });
    expect(events[13]).toMatchObject({ type: "summary", outcome: "success", transferred: 2, exitCode: 1, elapsedMs: 1500 });
  });

  it("throttles progress and narrows with --quiet", async () => {
    let t = 0;
    const c = capture();
    const r = new JsonRenderer(context(), c.io, () => t);
    for (let i = 0; i < 5; i++) {
      t += 300;
      r.onEvent({ type: "progress", stats: summary() });
    }
    expect(c.out().trim().split("\n")).toHaveLength(2);
    const q = capture();
    const quiet = new JsonRenderer(context({}, { verbosity: "quiet" }), q.io);
    for (const e of runEvents()) quiet.onEvent(e);
    expect(q.out().trim().split("\n").map((l) => JSON.parse(l).type)).toEqual(["error"]);
  });

  it("reports a fatal error as an event", async () => {
    const c = capture();
    const r = new JsonRenderer(context(), c.io);
    await r.finish({ exitCode: 3, error: Object.assign(new Error("the source ./x does not exist"), { code: "Unreachable" }) });
    expect(JSON.parse(c.out())).toEqual({ type: "error", fatal: true, code: "Unreachable", message: "the source ./x does not exist", exitCode: 1 });
  });
});

describe("run store", () => {
  it("counts events and estimates speed", () => {
    let now = 0;
    const store = new RunStore(context(), { now: () => now, largeTransferBytes: 100 });
    const big = transfer("big.bin", 1000);
    store.onEvent({ type: "phase", phase: "transferring" });
    store.onEvent({ type: "plan", action: big });
    store.onEvent({ type: "transfer-start", action: big, op: "upload" });
    now = 1000;
    store.onEvent({ type: "transfer-progress", action: big, bytes: 500 });
    const s = store.snapshot();
    expect(s.stats).toMatchObject({ toTransfer: 1, toTransferBytes: 1000, bytesDone: 500 });
    expect(s.largeTransfers).toEqual([{ key: "big.bin", size: 1000, bytes: 500, startedAt: 0 }]);
    expect(s.speed).toBeCloseTo(500);
    expect(s.etaMs).toBeCloseTo(1000);
    expect(progressLine(s)).toBe("Transferred: 500 B / 1000 B, 50%, 500 B/s, ETA 1.0s; files 0/1; deleted 0; failed 0");
  });
});
