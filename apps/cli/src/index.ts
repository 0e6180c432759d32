/** Programmatic entry to the CLI (tests, embedding): run `ferry` with arguments and streams. */
export { runCli } from "./main.js";
export type { CliIo } from "./io.js";
export { ExitCode } from "./exit-codes.js";
