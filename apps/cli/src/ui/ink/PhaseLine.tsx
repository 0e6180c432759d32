import { Box, Text } from "ink";
import type { Phase } from "@ferry/core";

const PHASES: Phase[] = ["listing", "planning", "transferring", "deleting", "done"];

/** The run's phases in order, the current one highlighted and the finished ones ticked. */
export function PhaseLine({ phase }: { phase: Phase }) {
  const current = PHASES.indexOf(phase);
  return (
    <Box gap={1}>
      {PHASES.map((p, i) => (
        <Text key={p} {...(i === current ? { color: "cyan", bold: true } : i < current ? { color: "green" } : { dimColor: true })}>
          {i < current ? "✓" : i === current ? "▸" : "·"} {p}
        </Text>
      ))}
    </Box>
  );
}
