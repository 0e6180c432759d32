// The tools compared by the local→local benchmark and the command line each runs per phase.
//
//   ferry   node apps/cli/dist/bin.js sync SRC DST --delete [--no-progress] [--quiet]
//           (or, while the CLI is not built, src/ferry-sdk-driver.mjs: sdk.sync(SRC, DST, { delete: true }))
//   rclone  rclone sync SRC DST            rclone's defaults: --transfers 4 --checkers 8
//   rclone16 rclone sync SRC DST --transfers 16 --checkers 16   (ferry's defaults; opt-in)
//   ferry-sdk / ferry-nofsync   the SDK driver (opt-in; nofsync = local adapter fsync off)
//   rsync   rsync -a --delete SRC/ DST/
//   cp      cp -a SRC/. DST/               initial copy only (cp has no incremental mode)
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { versionOf, which } from "./env.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = path.resolve(here, "../../..");
const CLI = path.join(REPO_ROOT, "apps/cli/dist/bin.js");
const SDK_DRIVER = path.join(here, "ferry-sdk-driver.mjs");

export const DEFAULT_TOOLS = ["ferry", "rclone", "rsync", "cp"];
export const ALL_TOOLS = ["ferry", "ferry-sdk", "ferry-nofsync", "rclone", "rclone16", "rsync", "cp"];

/** Binaries to install (apt-get) before the tools are probed. */
export const BINARIES = { rclone: "rclone", rclone16: "rclone", rsync: "rsync", cp: "cp" };

const rcloneEnv = () => ({ ...process.env, RCLONE_CONFIG: "/dev/null" });

/**
 * Probes the ferry CLI: built, and `sync --help` works. Returns the extra flags to silence it
 * (whichever of --no-progress / --quiet it has), or a reason it cannot be used.
 */
function probeFerryCli() {
  if (!fs.existsSync(CLI)) return { reason: `apps/cli/dist/bin.js not built (pnpm exec turbo run build --filter=@ferry/cli...)` };
  const r = spawnSync(process.execPath, [CLI, "sync", "--help"], { encoding: "utf8", timeout: 30_000, cwd: REPO_ROOT });
  const help = `${r.stdout ?? ""}${r.stderr ?? ""}`;
  if (r.status !== 0 || !help.includes("--delete")) {
    return { reason: `ferry sync --help failed (exit ${r.status}): ${help.trim().split("\n").slice(-1)[0] ?? ""}` };
  }
  const flags = [];
  if (help.includes("--no-progress")) flags.push("--no-progress");
  if (help.includes("--quiet")) flags.push("--quiet");
  const v = spawnSync(process.execPath, [CLI, "--version"], { encoding: "utf8", timeout: 30_000 });
  return { flags, version: (v.stdout ?? "").trim() || "dev" };
}

/** Probes the SDK driver: the SDK and the local adapter are built and the adapter opens paths. */
function probeFerrySdk() {
  const r = spawnSync(process.execPath, [SDK_DRIVER, "--probe"], { encoding: "utf8", timeout: 30_000 });
  if (r.status !== 0) return { reason: `SDK driver unavailable: ${(r.stderr || r.stdout || "").trim().split("\n").slice(-1)[0]}` };
  return { version: (r.stdout ?? "").trim() };
}

/**
 * Resolves the requested tools to runnable definitions. Unavailable tools come back with a
 * `skip` reason instead of `run`.
 *
 * A tool: { name, label, version, skip?, incremental, argv(src, dst) → [cmd, args], env? }
 */
export function resolveTools(names, { missing = new Map(), ferryMode = "auto" } = {}) {
  const tools = [];
  for (const name of names) {
    const bin = BINARIES[name];
    if (bin && missing.has(bin)) {
      tools.push({ name, skip: `${bin} is not installed (${missing.get(bin)})` });
      continue;
    }
    switch (name) {
      case "ferry": {
        let cli;
        if (ferryMode !== "sdk") {
          cli = probeFerryCli();
          if (!cli.reason) {
            tools.push({
              name,
              label: "ferry",
              via: "cli",
              version: `ferry ${cli.version} (CLI)`,
              incremental: true,
              command: `node apps/cli/dist/bin.js sync SRC DST --delete ${cli.flags.join(" ")}`.trim(),
              argv: (src, dst) => [process.execPath, [CLI, "sync", src, dst, "--delete", ...cli.flags]],
            });
            break;
          }
          if (ferryMode === "cli") {
            tools.push({ name, skip: cli.reason });
            break;
          }
        }
        const sdk = probeFerrySdk();
        if (sdk.reason) tools.push({ name, skip: [cli?.reason, sdk.reason].filter(Boolean).join("; ") });
        else
          tools.push({
            name,
            label: "ferry",
            via: "sdk",
            version: `${sdk.version} (SDK driver${cli?.reason ? `; CLI not usable: ${cli.reason}` : ""})`,
            incremental: true,
            command: "node tooling/bench/src/ferry-sdk-driver.mjs SRC DST  (sdk.sync(SRC, DST, { delete: true, collectKeys: false }))",
            argv: (src, dst) => [process.execPath, [SDK_DRIVER, src, dst]],
          });
        break;
      }
      case "ferry-sdk":
      case "ferry-nofsync": {
        const sdk = probeFerrySdk();
        const extra = name === "ferry-nofsync" ? ["--no-fsync"] : [];
        if (sdk.reason) tools.push({ name, skip: sdk.reason });
        else
          tools.push({
            name,
            label: name,
            via: "sdk",
            version: `${sdk.version} (SDK driver${extra.length ? ", local adapter fsync: false" : ""})`,
            incremental: true,
            command: `node tooling/bench/src/ferry-sdk-driver.mjs ${extra.map((e) => `${e} `).join("")}SRC DST`,
            argv: (src, dst) => [process.execPath, [SDK_DRIVER, ...extra, src, dst]],
          });
        break;
      }
      case "rclone":
      case "rclone16": {
        const extra = name === "rclone16" ? ["--transfers", "16", "--checkers", "16"] : [];
        tools.push({
          name,
          label: name,
          version: versionOf("rclone", ["version"]) ?? "rclone (version unknown)",
          incremental: true,
          command: `rclone sync SRC DST${extra.length ? ` ${extra.join(" ")}` : ""}  (${name === "rclone" ? "defaults: --transfers 4 --checkers 8" : "ferry's defaults"})`,
          argv: (src, dst) => ["rclone", ["sync", src, dst, "-q", ...extra]],
          env: rcloneEnv(),
        });
        break;
      }
      case "rsync":
        tools.push({
          name,
          label: "rsync",
          version: versionOf("rsync")?.replace(/\s+/g, " ") ?? "rsync",
          incremental: true,
          command: "rsync -a --delete SRC/ DST/",
          argv: (src, dst) => ["rsync", ["-a", "--delete", `${src}/`, `${dst}/`]],
        });
        break;
      case "cp":
        tools.push({
          name,
          label: "cp",
          version: versionOf("cp") ?? "cp",
          incremental: false,
          command: "cp -a SRC/. DST/  (initial copy only)",
          argv: (src, dst) => ["cp", ["-a", `${src}/.`, `${dst}/`]],
        });
        break;
      default:
        throw new Error(`unknown tool "${name}" (known: ${ALL_TOOLS.join(", ")})`);
    }
  }
  return tools;
}

export { which };
