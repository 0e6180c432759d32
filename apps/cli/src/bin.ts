#!/usr/bin/env node
// --debug prints stack traces: have node map them through the source maps dist/ carries, so
// they name src/*.ts lines rather than places in a bundle. Only modules loaded after this
// call are mapped, hence the rest of the CLI is imported below it, not above.
// (the true spellings of parseBoolean, which main.ts applies to FERRY_DEBUG; importing it here
// would load it unmapped)
if (process.argv.includes("--debug") || /^(1|true|yes|on)$/i.test((process.env.FERRY_DEBUG ?? "").trim())) process.setSourceMapsEnabled(true);

const { processIo } = await import("./io.js");
const { runCli } = await import("./main.js");

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
