import { CommanderError } from "commander";
import { exitCodeForError, formatError, usageError } from "./errors.js";
import { ExitCode } from "./exit-codes.js";
import { parseBoolean } from "./flags/flag-values.js";
import { ALL_FLAGS } from "./flags/spec.js";
import type { CliIo } from "./io.js";
import { buildProgram } from "./program.js";
import { scrubberFromEnv, type SecretScrubber } from "./secrets.js";

/** Secret flag values are known before parsing, so even commander's own messages are scrubbed. */
function collectArgvSecrets(argv: readonly string[], scrubber: SecretScrubber): void {
  const secretFlags = ALL_FLAGS.filter((f) => f.secret).map((f) => `--${f.name}`);
  argv.forEach((arg, i) => {
    scrubber.addFromLocation(arg);
    for (const flag of secretFlags) {
      if (arg === flag) scrubber.add(argv[i + 1]);
      else if (arg.startsWith(`${flag}=`)) scrubber.add(arg.slice(flag.length + 1));
    }
  });
}

function wantsDebug(argv: readonly string[], env: CliIo["env"]): boolean {
  if (argv.includes("--debug")) return true;
  try {
    return env.FERRY_DEBUG !== undefined && parseBoolean(env.FERRY_DEBUG, "FERRY_DEBUG");
  } catch {
    return false;
  }
}

/** commander's `error: unknown option '--x'\n(Did you mean --y?)` → one sentence. */
function commanderMessage(e: CommanderError): string {
  return e.message
    .replace(/^error:\s*/i, "")
    .replace(/\s*\n\s*/g, " ")
    .trim();
}

/**
 * Runs the CLI and returns the exit code. Never throws, never prints a stack trace unless
 * --debug, and every line it prints has gone through the secret scrubber.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const scrubber = scrubberFromEnv(io.env);
  collectArgvSecrets(argv, scrubber);
  for (const spec of ALL_FLAGS) if (spec.secret) scrubber.add(io.env[`FERRY_${spec.name.toUpperCase().replace(/-/g, "_")}`]);
  const debug = wantsDebug(argv, io.env);
  const printError = (e: unknown) => {
    for (const line of formatError(e, { debug, scrubber })) io.stderr.write(`${line}\n`);
    if (argv.includes("--json")) {
      const err = e as { code?: string; message?: string; hint?: string };
      io.stdout.write(`${scrubber.scrub(JSON.stringify({ type: "error", fatal: true, code: err.code ?? "Error", message: err.message ?? String(e), ...(err.hint ? { hint: err.hint } : {}), exitCode: exitCodeForError(e) }))}\n`);
    }
  };

  let exitCode: number = ExitCode.Success;
  const program = buildProgram(
    { io, scrubber },
    (code) => {
      exitCode = code;
    },
    argv,
  );
  if (argv.length === 0) {
    printError(usageError("no command given", `commands: ${program.commands.map((c) => c.name()).join(", ")}; see ferry --help`));
    return ExitCode.Usage;
  }
  try {
    await program.parseAsync([...argv], { from: "user" });
    return exitCode;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === "commander.helpDisplayed" || e.code === "commander.version" || e.code === "commander.help") return e.exitCode === 0 ? 0 : ExitCode.Usage;
      const command = argv.find((a) => program.commands.some((c) => c.name() === a));
      printError(usageError(commanderMessage(e), command ? `see ferry ${command} --help` : "see ferry --help"));
      return ExitCode.Usage;
    }
    printError(e);
    return exitCodeForError(e);
  }
}
