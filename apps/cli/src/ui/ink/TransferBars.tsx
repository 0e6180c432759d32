import { Box, Text } from "ink";
import { formatBytes, formatPercent } from "../format.js";
import type { InFlightTransfer } from "../run-store.js";
import { ProgressBar } from "./ProgressBar.js";

/** One bar per in-flight large transfer (the store already picked the biggest few). */
export function TransferBars({ transfers, others }: { transfers: InFlightTransfer[]; others: number }) {
  if (transfers.length === 0 && others === 0) return null;
  return (
    <Box flexDirection="column">
      {transfers.map((t) => (
        <Box key={t.key} gap={1}>
          <ProgressBar done={t.bytes} total={t.size} width={20} />
          <Text>{formatPercent(t.bytes, t.size).padStart(4)}</Text>
          <Text dimColor>{formatBytes(t.size).padStart(9)}</Text>
          <Text wrap="truncate-middle">{t.key}</Text>
        </Box>
      ))}
      {others > 0 ? <Text dimColor>+ {others} more in flight</Text> : null}
    </Box>
  );
}
