import { Box, Text } from "ink";
import type { RunStats } from "@ferry/core";

function Count({ label, value, color }: { label: string; value: number; color?: string }) {
  return (
    <Text>
      <Text dimColor>{label} </Text>
      <Text {...(color && value > 0 ? { color } : {})} bold>
        {value}
      </Text>
    </Text>
  );
}

export function Counters({ stats }: { stats: RunStats }) {
  return (
    <Box flexWrap="wrap" columnGap={2}>
      <Text>
        <Text dimColor>found </Text>
        <Text bold>{stats.foundSrc}</Text>
        <Text dimColor> src / </Text>
        <Text bold>{stats.foundDst}</Text>
        <Text dimColor> dst</Text>
      </Text>
      <Count label="excluded" value={stats.excluded} />
      <Count label="skipped" value={stats.skipped} />
      <Count label="to transfer" value={stats.toTransfer} />
      <Count label="done" value={stats.transferred} color="green" />
      <Count label="failed" value={stats.failed} color="red" />
      <Count label="deleted" value={stats.deleted} color="yellow" />
    </Box>
  );
}
