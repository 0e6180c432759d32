#!/usr/bin/env node
// The README's two commands on a fresh machine with only Node 20 and npm:
//   npm run demo   install, build, and run `ferry sync examples/site ./ferry-demo` (full terminal UI on a TTY)
//   npm test       install, build, start the real test servers, run every test
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const PNPM_VERSION = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")).packageManager.split("@")[1];
const env = { ...process.env, TURBO_TELEMETRY_DISABLED: "1", DO_NOT_TRACK: "1", TURBO_NO_UPDATE_NOTIFIER: "1" };

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: "inherit", env, ...opts });
  if (r.error) throw r.error;
  return r.status ?? 1;
}

function must(cmd, args, opts) {
  const code = run(cmd, args, opts);
  if (code !== 0) {
    console.error(`quickstart: \`${cmd} ${args.join(" ")}\` failed with exit code ${code}`);
    process.exit(code);
  }
}

/** pnpm at the pinned version: the one on PATH when it matches, else through npx. */
function pnpmCommand() {
  const r = spawnSync("pnpm", ["--version"], { encoding: "utf8", env });
  if (r.status === 0 && r.stdout.trim() === PNPM_VERSION) return ["pnpm", []];
  return ["npx", ["--yes", `pnpm@${PNPM_VERSION}`]];
}

function setup(quiet) {
  const [pnpm, pre] = pnpmCommand();
  const io = quiet ? { stdio: ["ignore", "ignore", "inherit"] } : {};
  if (quiet) process.stderr.write("ferry: installing dependencies and building (first run takes a minute)…\n");
  must(pnpm, [...pre, "install", "--frozen-lockfile", "--reporter=silent"], io);
  must(pnpm, [...pre, "exec", "turbo", "run", "build", "--output-logs=errors-only"], io);
  return [pnpm, pre];
}

const command = process.argv[2];
if (command === "demo") {
  setup(true);
  const args = process.argv.slice(3);
  const dst = path.join(root, "ferry-demo");
  process.exit(run(process.execPath, [path.join(root, "apps/cli/dist/bin.js"), "sync", "examples/site", dst, ...args]));
} else if (command === "test") {
  const [pnpm, pre] = setup(false);
  const report = path.join(root, ".tmp", "vitest-report.json");
  fs.mkdirSync(path.dirname(report), { recursive: true });
  fs.rmSync(report, { force: true });
  const code = run(process.execPath, [
    path.join(root, "tooling/test-servers/bin/with-servers.mjs"),
    "--",
    pnpm,
    ...pre,
    "exec",
    "vitest",
    "run",
    "--reporter=default",
    "--reporter=json",
    `--outputFile.json=${report}`,
  ]);
  // a closing line CI reads in any language: "N passed, N failed, N skipped"
  try {
    const r = JSON.parse(fs.readFileSync(report, "utf8"));
    const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
    console.log(`\ntests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${skipped} skipped`);
  } catch {
    console.log("\ntests: no report was written");
  }
  process.exit(code);
} else {
  console.error("usage: node tooling/scripts/quickstart.mjs demo|test");
  process.exit(2);
}
