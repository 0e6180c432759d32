import { Box, Text } from "ink";

export function ErrorList({ errors }: { errors: string[] }) {
  if (errors.length === 0) return null;
  return (
    <Box flexDirection="column">
      <Text color="red" bold>
        recent errors
      </Text>
      {errors.map((e, i) => (
        <Text key={i} color="red" wrap="truncate-end">
          {e}
        </Text>
      ))}
    </Box>
  );
}
