import { Box, Text, useInput } from "ink";
import { formatBytes } from "../format.js";
import type { PlanTotals } from "../run-store.js";

/** The plan's totals and a y/N question; anything but y/Y answers no. */
export function ConfirmPrompt({ totals, onAnswer }: { totals: PlanTotals; onAnswer: (yes: boolean) => void }) {
  useInput((input, key) => {
    if (input === "y" || input === "Y") onAnswer(true);
    else if (input === "n" || input === "N" || key.return || key.escape) onAnswer(false);
  });
  return (
    <Box flexDirection="column" borderStyle="round" borderColor="yellow" paddingX={1}>
      <Text bold>This plan deletes keys.</Text>
      <Text>
        transfer <Text bold>{totals.toTransfer}</Text> ({formatBytes(totals.toTransferBytes)}), delete{" "}
        <Text bold color="red">
          {totals.toDelete}
        </Text>
      </Text>
      <Text>
        Proceed? <Text dimColor>[y/N]</Text>
      </Text>
    </Box>
  );
}
