import { FerryError, isFerryError, type FerryErrorCode } from "@ferry/core";
import { ExitCode } from "./exit-codes.js";
import type { SecretScrubber } from "./secrets.js";

/** A usage error detected by the CLI itself (bad flag value, conflicting flags, bad config). */
export function usageError(message: string, hint?: string): FerryError {
  return new FerryError("Usage", message, hint === undefined ? {} : { hint });
}

/** Signals that the CLI already printed what it had to and only needs to exit with `code`. */
export class ExitRequest extends Error {
  constructor(readonly exitCode: ExitCode) {
    super(`exit ${exitCode}`);
  }
}

const EXIT_BY_CODE: Record<FerryErrorCode, ExitCode> = {
  Usage: ExitCode.Usage,
  Unsupported: ExitCode.Usage,
  InvalidKey: ExitCode.Usage,
  NotFound: ExitCode.Unreachable,
  Unreachable: ExitCode.Unreachable,
  Unauthorized: ExitCode.Unreachable,
  Refused: ExitCode.Refused,
  Aborted: ExitCode.Interrupted,
  Conflict: ExitCode.Failures,
  Transient: ExitCode.Failures,
  Provider: ExitCode.Failures,
  Integrity: ExitCode.Failures,
};

export function exitCodeForError(e: unknown): ExitCode {
  if (e instanceof ExitRequest) return e.exitCode;
  if (isFerryError(e)) return EXIT_BY_CODE[e.code] ?? ExitCode.Failures;
  return ExitCode.Failures;
}

/**
 * Turns anything thrown into one `ferry: error:` line (plus a `hint:` line when known). Stack
 * traces and causes only with --debug — and even then through the secret scrubber.
 */
export function formatError(e: unknown, options: { debug: boolean; scrubber: SecretScrubber }): string[] {
  const oneLine = (s: string) => options.scrubber.scrub(s.replace(/\s*\n\s*/g, " ").trim());
  const message = e instanceof Error ? e.message : String(e);
  const lines = [`ferry: error: ${oneLine(message || "unknown error")}`];
  const hint = isFerryError(e) ? e.hint : undefined;
  if (hint) lines.push(`hint: ${oneLine(hint)}`);
  if (options.debug) {
    let current: unknown = e;
    for (let depth = 0; current instanceof Error && depth < 5; depth++) {
      if (current.stack) lines.push(...current.stack.split("\n").map((l) => options.scrubber.scrub(`debug: ${l}`)));
      current = current.cause;
      if (current !== undefined) lines.push("debug: caused by:");
    }
  }
  return lines;
}
