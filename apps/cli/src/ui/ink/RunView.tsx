import { Box, Text } from "ink";
import type { RunContext } from "../run-context.js";
import type { RunSnapshot } from "../run-store.js";
import { BytesLine } from "./BytesLine.js";
import { ConfirmPrompt } from "./ConfirmPrompt.js";
import { Counters } from "./Counters.js";
import { ErrorList } from "./ErrorList.js";
import { Header } from "./Header.js";
import { PhaseLine } from "./PhaseLine.js";
import { SummaryTable } from "./SummaryTable.js";
import { TransferBars } from "./TransferBars.js";

export interface RunViewProps {
  ctx: Pick<RunContext, "command" | "sides" | "dryRun">;
  snapshot: RunSnapshot;
  onAnswer?: (yes: boolean) => void;
}

/** The whole interactive screen, a pure function of one snapshot (what the tests render). */
export function RunView({ ctx, snapshot, onAnswer }: RunViewProps) {
  const s = snapshot;
  return (
    <Box flexDirection="column">
      <Header ctx={ctx} />
      <PhaseLine phase={s.phase} />
      <Counters stats={s.stats} />
      {s.phase === "transferring" || s.phase === "deleting" || s.stats.bytesDone > 0 ? <BytesLine snapshot={s} /> : null}
      {s.summary ? null : <TransferBars transfers={s.largeTransfers} others={Math.max(0, s.inFlightCount - s.largeTransfers.length)} />}
      <ErrorList errors={s.recentErrors} />
      {s.warnings > 0 ? <Text color="yellow">{s.warnings} warning{s.warnings > 1 ? "s" : ""}</Text> : null}
      {s.confirm && onAnswer ? <ConfirmPrompt totals={s.confirm} onAnswer={onAnswer} /> : null}
      {s.summary ? <SummaryTable summary={s.summary} /> : null}
    </Box>
  );
}
