import { Box, Text } from "ink";
import type { RunSummary } from "@ferry/core";
import { outcomeLine, summaryRows } from "../summary-lines.js";

const OUTCOME_COLOR: Record<RunSummary["outcome"], string> = {
  success: "green",
  partial: "yellow",
  refused: "red",
  aborted: "yellow",
  limit: "red",
};

export function SummaryTable({ summary }: { summary: RunSummary }) {
  const rows = summaryRows(summary);
  const width = Math.max(...rows.map(([l]) => l.length)) + 2;
  const why = outcomeLine(summary);
  return (
    <Box flexDirection="column" borderStyle="round" paddingX={1}>
      <Text bold color={OUTCOME_COLOR[summary.outcome]}>
        {summary.dryRun ? "dry run: " : ""}
        {summary.outcome === "success" && summary.failed === 0 ? "done" : summary.outcome}
      </Text>
      {rows.map(([label, value]) => (
        <Text key={label}>
          <Text dimColor>{label.padEnd(width)}</Text>
          <Text>{value}</Text>
        </Text>
      ))}
      {why ? <Text color={OUTCOME_COLOR[summary.outcome]}>{why}</Text> : null}
    </Box>
  );
}
