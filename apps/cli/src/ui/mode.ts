import type { CliIo } from "../io.js";

export type OutputMode = "ink" | "plain" | "json";

/**
 * Decided once per run (SPEC §8): the Ink UI only for a person at a terminal — stderr is a
 * TTY, CI is not set, and no --json. Everything else gets plain lines or NDJSON.
 */
export function decideOutputMode(io: Pick<CliIo, "stderr" | "env">, json: boolean): OutputMode {
  if (json) return "json";
  const ci = io.env.CI;
  if (io.stderr.isTTY && (ci === undefined || ci === "" || ci === "0" || ci.toLowerCase() === "false") && io.env.TERM !== "dumb") return "ink";
  return "plain";
}
