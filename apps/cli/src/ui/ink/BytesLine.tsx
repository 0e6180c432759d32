import { Box, Text } from "ink";
import { formatBytes, formatDuration, formatPercent, formatRate } from "../format.js";
import type { RunSnapshot } from "../run-store.js";
import { ProgressBar } from "./ProgressBar.js";

export function BytesLine({ snapshot }: { snapshot: RunSnapshot }) {
  const { stats } = snapshot;
  return (
    <Box gap={1}>
      <ProgressBar done={stats.bytesDone} total={stats.toTransferBytes} />
      <Text>
        {formatBytes(stats.bytesDone)} / {formatBytes(stats.toTransferBytes)} {formatPercent(stats.bytesDone, stats.toTransferBytes)}
      </Text>
      <Text color="cyan">{formatRate(snapshot.speed)}</Text>
      <Text dimColor>ETA {snapshot.etaMs === undefined ? "-" : formatDuration(snapshot.etaMs)}</Text>
      <Text dimColor>elapsed {formatDuration(snapshot.elapsedMs)}</Text>
    </Box>
  );
}
