#!/usr/bin/env node
import { processIo } from "./io.js";
import { runCli } from "./main.js";

// `ferry ls s3://b/ | head`: a reader that goes away is normal for a CLI, not a crash.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") process.exit(0);
    throw e;
  });
}

const code = await runCli(process.argv.slice(2), processIo());
// Flush piped output before exiting: adapters may hold sockets open that would otherwise
// keep the process alive, and process.exit alone can cut a pipe's pending writes.
const flush = (stream: NodeJS.WriteStream) => new Promise<void>((resolve) => stream.write("", () => resolve()));
await Promise.all([flush(process.stdout), flush(process.stderr)]);
process.exit(code);
