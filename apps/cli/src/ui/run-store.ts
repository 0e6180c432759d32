import { emptyStats, type FerryEvent, type Phase, type RunStats, type RunSummary } from "@ferry/core";
import { describeErrorEvent } from "./error-lines.js";
import type { RunContext } from "./run-context.js";

export interface InFlightTransfer {
  key: string;
  size: number;
  bytes: number;
  startedAt: number;
}

export interface PlanTotals {
  toTransfer: number;
  toTransferBytes: number;
  toDelete: number;
  toMove?: number;
}

export interface RunSnapshot {
  phase: Phase;
  stats: RunStats;
  /** bytes/s over the recent window */
  speed: number;
  /** ms left at the current speed, when it can be estimated */
  etaMs: number | undefined;
  elapsedMs: number;
  /** the largest in-flight transfers, biggest first */
  largeTransfers: InFlightTransfer[];
  inFlightCount: number;
  /** the most recent error lines, oldest first */
  recentErrors: string[];
  warnings: number;
  confirm: PlanTotals | undefined;
  summary: RunSummary | undefined;
}

export interface RunStoreOptions {
  /** transfers smaller than this get no bar of their own */
  largeTransferBytes?: number;
  maxBars?: number;
  maxErrors?: number;
  /** speed window in ms */
  speedWindowMs?: number;
  now?: () => number;
}

/**
 * Aggregates engine events outside React: events arrive far faster than a terminal can draw,
 * so the store keeps counts and in-flight transfers up to date and the UI samples snapshots at
 * a bounded rate. Counts follow the events themselves and are re-based on each `progress`
 * event, whose stats also carry what only the engine knows (found, excluded).
 */
export class RunStore {
  private phase: Phase = "listing";
  private stats: RunStats = emptyStats();
  private readonly inFlight = new Map<string, InFlightTransfer>();
  private readonly errors: string[] = [];
  private warnings = 0;
  private samples: Array<{ t: number; bytes: number }> = [];
  private confirmTotals: PlanTotals | undefined;
  private summary: RunSummary | undefined;
  private readonly startedAt: number;
  private readonly now: () => number;
  private readonly opts: Required<Omit<RunStoreOptions, "now">>;
  private version = 0;
  private listeners = new Set<() => void>();

  constructor(private readonly ctx: RunContext, options: RunStoreOptions = {}) {
    this.now = options.now ?? Date.now;
    this.startedAt = this.now();
    this.opts = {
      largeTransferBytes: options.largeTransferBytes ?? 1024 * 1024,
      maxBars: options.maxBars ?? 4,
      maxErrors: options.maxErrors ?? 5,
      speedWindowMs: options.speedWindowMs ?? 5000,
    };
  }

  onEvent(event: FerryEvent): void {
    const s = this.stats;
    switch (event.type) {
      case "phase":
        this.phase = event.phase;
        break;
      case "progress":
        this.stats = { ...event.stats };
        break;
      case "plan":
        if (event.action.type === "transfer") {
          s.toTransfer++;
          s.toTransferBytes += event.action.source.size;
        } else if (event.action.type === "delete") s.toDelete++;
        else s.toMove++;
        break;
      case "skip":
        s.skipped++;
        break;
      case "transfer-start":
        this.inFlight.set(event.action.targetKey, { key: event.action.key, size: event.action.source.size, bytes: 0, startedAt: this.now() });
        break;
      case "transfer-progress": {
        const t = this.inFlight.get(event.action.targetKey);
        if (t) {
          s.bytesDone += Math.max(0, event.bytes - t.bytes);
          t.bytes = event.bytes;
        }
        break;
      }
      case "transfer": {
        const t = this.inFlight.get(event.action.targetKey);
        s.bytesDone += Math.max(0, event.bytes - (t?.bytes ?? 0));
        this.inFlight.delete(event.action.targetKey);
        s.transferred++;
        s.transferredBytes += event.bytes;
        break;
      }
      case "delete":
        s.deleted++;
        break;
      case "move":
        s.moved++;
        break;
      case "conflict":
        s.conflicts++;
        break;
      case "error":
        if (event.action?.type === "transfer") this.inFlight.delete(event.action.targetKey);
        if (event.action) s.failed++;
        this.errors.push(describeErrorEvent(this.ctx, event));
        if (this.errors.length > this.opts.maxErrors) this.errors.shift();
        break;
      case "warning":
        this.warnings++;
        break;
      case "summary":
        this.summary = event.summary;
        this.stats = { ...event.summary };
        this.phase = "done";
        this.inFlight.clear();
        break;
    }
    this.sample();
    this.changed();
  }

  /** Shows the plan totals and waits for an answer (the UI resolves it). */
  requestConfirm(totals: PlanTotals): void {
    this.confirmTotals = totals;
    this.changed();
  }

  clearConfirm(): void {
    this.confirmTotals = undefined;
    this.changed();
  }

  private sample(): void {
    const t = this.now();
    const last = this.samples[this.samples.length - 1];
    if (last && t - last.t < 200) {
      last.bytes = this.stats.bytesDone;
      return;
    }
    this.samples.push({ t, bytes: this.stats.bytesDone });
    while (this.samples.length > 2 && t - this.samples[0]!.t > this.opts.speedWindowMs) this.samples.shift();
  }

  private speed(): number {
    const first = this.samples[0];
    const t = this.now();
    if (!first) return 0;
    const dt = t - first.t;
    if (dt < 250) {
      const elapsed = t - this.startedAt;
      return elapsed > 0 ? (this.stats.bytesDone / elapsed) * 1000 : 0;
    }
    return ((this.stats.bytesDone - first.bytes) / dt) * 1000;
  }

  snapshot(): RunSnapshot {
    const speed = Math.max(0, this.speed());
    const left = this.stats.toTransferBytes - this.stats.bytesDone;
    const large = [...this.inFlight.values()]
      .filter((t) => t.size >= this.opts.largeTransferBytes)
      .sort((a, b) => b.size - a.size)
      .slice(0, this.opts.maxBars)
      .map((t) => ({ ...t }));
    return {
      phase: this.phase,
      stats: { ...this.stats },
      speed,
      etaMs: speed > 0 && left > 0 ? (left / speed) * 1000 : left <= 0 ? 0 : undefined,
      elapsedMs: this.summary?.elapsedMs ?? this.now() - this.startedAt,
      largeTransfers: large,
      inFlightCount: this.inFlight.size,
      recentErrors: [...this.errors],
      warnings: this.warnings,
      confirm: this.confirmTotals,
      summary: this.summary,
    };
  }

  /** Increases on every change; the UI redraws only when it moved. */
  get revision(): number {
    return this.version;
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    this.version++;
    for (const l of this.listeners) l();
  }
}
