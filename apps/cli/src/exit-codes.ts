import type { RunOutcome } from "@ferry/core";

/** SPEC §8 exit codes. Scripts depend on these numbers: never renumber. */
export const ExitCode = {
  Success: 0,
  /** some keys failed (check: differences found) */
  Failures: 1,
  /** bad usage or bad input */
  Usage: 2,
  /** a location was not found or not reachable */
  Unreachable: 3,
  /** a safety guard refused the run (max-delete, empty source, declined prompt) */
  Refused: 4,
  /** a limit stopped the run (--max-failures) */
  Limit: 5,
  /** Ctrl-C */
  Interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** The exit code a finished run earns from its summary. */
export function exitCodeForOutcome(outcome: RunOutcome, failed: number): ExitCode {
  switch (outcome) {
    case "success":
      return failed > 0 ? ExitCode.Failures : ExitCode.Success;
    case "partial":
      return ExitCode.Failures;
    case "refused":
      return ExitCode.Refused;
    case "aborted":
      return ExitCode.Interrupted;
    case "limit":
      return ExitCode.Limit;
  }
}
