import type { RunSummary } from "@ferry/core";
import { formatBytes, formatDuration, formatRate } from "./format.js";

/** The end-of-run totals as label/value rows, shared by the plain summary and the Ink table. */
export function summaryRows(summary: RunSummary): Array<[string, string]> {
  const dry = summary.dryRun;
  const rows: Array<[string, string]> = [
    [dry ? "Would transfer" : "Transferred", `${summary.dryRun ? summary.toTransfer : summary.transferred} files, ${formatBytes(dry ? summary.toTransferBytes : summary.transferredBytes)}`],
    [dry ? "Would delete" : "Deleted", String(dry ? summary.toDelete : summary.deleted)],
  ];
  if (summary.toMove > 0 || summary.moved > 0) rows.push([dry ? "Would move" : "Moved", String(dry ? summary.toMove : summary.moved)]);
  rows.push(["Skipped", String(summary.skipped)], ["Excluded", String(summary.excluded)], ["Failed", String(summary.failed)]);
  if (summary.invalid > 0) rows.push(["Invalid keys", String(summary.invalid)]);
  if (summary.conflicts > 0) rows.push(["Conflicts", String(summary.conflicts)]);
  rows.push(["Found", `${summary.foundSrc} src, ${summary.foundDst} dst`], ["Elapsed", formatDuration(summary.elapsedMs)]);
  if (!dry) rows.push(["Throughput", formatRate(summary.throughput)]);
  return rows;
}

export function summaryLines(summary: RunSummary): string[] {
  const width = Math.max(...summaryRows(summary).map(([l]) => l.length)) + 2;
  return summaryRows(summary).map(([label, value]) => `${`${label}:`.padEnd(width)}${value}`);
}

/** Why the run did not simply succeed, as one line, or undefined for a plain success. */
export function outcomeLine(summary: RunSummary): string | undefined {
  switch (summary.outcome) {
    case "refused":
      return `refused: ${summary.reason ?? "a safety guard stopped the run before any change"}`;
    case "limit":
      return `stopped: ${summary.reason ?? "a limit was reached"}`;
    case "aborted":
      return `interrupted: ${summary.reason ?? "stopped before finishing"}`;
    default:
      return undefined;
  }
}
