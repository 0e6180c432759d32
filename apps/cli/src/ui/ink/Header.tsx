import { Box, Text } from "ink";
import type { RunContext } from "../run-context.js";

export function Header({ ctx }: { ctx: Pick<RunContext, "command" | "sides" | "dryRun"> }) {
  return (
    <Box>
      <Text bold color="cyan">
        ferry {ctx.command}
      </Text>
      <Text>
        {"  "}
        {ctx.sides.src.display} → {ctx.sides.dst.display}
      </Text>
      {ctx.dryRun ? <Text color="yellow"> (dry run)</Text> : null}
    </Box>
  );
}
