// Drives ferry through the SDK for the local→local benchmark when the CLI is not built:
//
//   node ferry-sdk-driver.mjs SRC DST     sdk.sync(SRC, DST, { delete: true, collectKeys: false })
//   node ferry-sdk-driver.mjs --no-fsync SRC DST    the same with the local adapter's fsync off
//   node ferry-sdk-driver.mjs --probe     prints the SDK version when the SDK and the local adapter load
//
// Exit 0 on success, 1 when a key failed, 2 on a run-level error.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const args = process.argv.slice(2);

if (args[0] === "--probe") {
  const sdk = await import("@ferry/sdk");
  if (typeof sdk.sync !== "function") throw new Error("@ferry/sdk has no sync()");
  // opens a local path the way sync() will: the SDK imports @ferry/adapter-local itself
  const adapter = await sdk.openLocation(os.tmpdir());
  if (typeof adapter?.list !== "function") throw new Error("@ferry/adapter-local did not give an adapter");
  await adapter.close?.();
  const main = fileURLToPath(import.meta.resolve("@ferry/sdk"));
  const pkg = JSON.parse(fs.readFileSync(path.join(path.dirname(main), "../package.json"), "utf8"));
  console.log(`${pkg.name} ${pkg.version}`);
  process.exit(0);
}

const noFsync = args[0] === "--no-fsync";
if (noFsync) args.shift();
if (args.length !== 2) {
  console.error("usage: ferry-sdk-driver.mjs [--no-fsync] SRC DST | --probe");
  process.exit(2);
}

const { sync } = await import("@ferry/sdk");
try {
  const result = await sync(args[0], args[1], {
    delete: true,
    collectKeys: false,
    // the local adapter's `fsync` option (default true): what the per-file fsync costs
    ...(noFsync ? { adapterOptions: { fsync: false } } : {}),
  });
  const s = result.stats;
  console.log(`transferred ${s.transferred} (${s.transferredBytes} B), skipped ${s.skipped}, deleted ${s.deleted}, failed ${s.failed}, outcome ${s.outcome}`);
  if (result.errors?.length) {
    for (const e of result.errors.slice(0, 5)) console.error(`${e.key}: ${e.error.message}`);
    process.exit(1);
  }
  process.exit(s.outcome === "success" ? 0 : 1);
} catch (e) {
  console.error(e?.stack ?? String(e));
  process.exit(2);
}
