import { readFileSync } from "node:fs";
import { Command, Option } from "commander";
import { runAdapters } from "./commands/adapters.js";
import { runApply } from "./commands/apply.js";
import { runBisync } from "./commands/bisync.js";
import { runCheck } from "./commands/check.js";
import { runCheckConfig } from "./commands/check-config.js";
import { completionScript, SHELLS } from "./commands/completion.js";
import { runLs } from "./commands/ls.js";
import { runOneWay } from "./commands/one-way.js";
import { runPlan } from "./commands/plan.js";
import type { CommandEnv } from "./commands/setup.js";
import { runWorker } from "./commands/worker.js";
import type { FlagValues } from "./flags/flag-values.js";
import { registerFlags } from "./flags/register.js";
import {
  ATTRIBUTE_FLAGS,
  BISYNC_FLAGS,
  CHECK_FLAGS,
  CLUSTER_FLAGS,
  WORKER_FLAGS,
  COMPARE_FLAGS,
  DELETE_FLAGS,
  FILTER_FLAGS,
  GUARD_FLAGS,
  LOCATION_FLAGS,
  MODE_FLAGS,
  OUTPUT_FLAGS,
  TRANSFER_FLAGS,
  type FlagSpec,
} from "./flags/spec.js";

export function cliVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string };
  return pkg.version;
}

const ONE_WAY_FLAGS = [...FILTER_FLAGS, ...COMPARE_FLAGS, ...TRANSFER_FLAGS, ...ATTRIBUTE_FLAGS, ...DELETE_FLAGS, ...GUARD_FLAGS, ...MODE_FLAGS, ...CLUSTER_FLAGS, ...LOCATION_FLAGS, ...OUTPUT_FLAGS];
const pick = (specs: readonly FlagSpec[], names: string[]) => specs.filter((s) => names.includes(s.name));

const examples = (lines: string[]) => `\nExamples:\n${lines.map((l) => `  ${l}`).join("\n")}\n`;

interface CommandDef {
  name: string;
  args: string[];
  summary: string;
  description?: string;
  flags: readonly FlagSpec[];
  examples: string[];
  extra?: (cmd: Command) => void;
  run: (args: string[], flags: FlagValues, cmd: Command) => Promise<number>;
}

/**
 * The command a command line runs, when it names one (`ferry help sync` names sync).
 * `completion` and a line naming no command need every command's flags.
 */
function commandNamed(argv: readonly string[]): string | undefined {
  const words = argv.filter((a) => !a.startsWith("-"));
  const named = words[0] === "help" ? words[1] : words[0];
  return named === "completion" ? undefined : named;
}

/**
 * The commander program. Commands only parse: each action turns its flags into a FlagValues
 * and hands over to a module under commands/, which calls the SDK.
 *
 * Given the command line, only the command it names gets its flags: commander builds an
 * Option per flag spelling, and doing that for all twelve commands cost ~10 ms of every
 * start (a no-op sync's start-up is what ferry has on top of rclone; tooling/bench README).
 */
export function buildProgram(env: CommandEnv, setExitCode: (code: number) => void, argv?: readonly string[]): Command {
  const named = argv ? commandNamed(argv) : undefined;
  const program = new Command("ferry")
    .description("ferry keeps two storage locations in step: local folders, S3, Azure Blob, WebDAV, SFTP")
    .version(cliVersion(), "-V, --version", "print the version")
    .helpOption("-h, --help", "show help")
    .exitOverride()
    .showSuggestionAfterError(true)
    .configureOutput({
      writeOut: (s) => env.io.stdout.write(s),
      writeErr: (s) => env.io.stderr.write(s),
      // Errors are printed once, as `ferry: error: …`, by main.ts.
      outputError: () => undefined,
    })
    .addHelpText(
      "after",
      `\nLocations: ./dir, /abs/dir, file:///dir, s3://bucket/prefix/, az://container/prefix/,\n  webdav(s)://host/path, sftp://user@host/path, mem://name/prefix, remote:path (config file)\n\nRun \`ferry <command> --help\` for a command's flags. Every flag can also come from a\nFERRY_<FLAG> environment variable (--transfers 8 ← FERRY_TRANSFERS=8).\n`,
    );

  const define = (def: CommandDef) => {
    const cmd = program.command(def.name).summary(def.summary).description(def.description ?? def.summary);
    for (const a of def.args) cmd.argument(a);
    // a command the line does not run needs only its name and summary (for help)
    const read = named === undefined || named === def.name ? registerFlags(cmd, def.flags) : undefined;
    def.extra?.(cmd);
    cmd.addHelpText("after", examples(def.examples));
    cmd.action(async (...params: unknown[]) => {
      const args = params.slice(0, def.args.length).map((a) => (a === undefined ? undefined : String(a))).filter((a): a is string => a !== undefined);
      if (!read) throw new Error(`internal: command ${def.name} ran without its flags registered`);
      setExitCode(await def.run(args, read()(env.io.env), cmd));
    });
    return cmd;
  };

  define({
    name: "sync",
    args: ["<src>", "<dst>"],
    summary: "make DST like SRC (deletes only with --delete)",
    description: "One-way sync: copies new and changed keys from SRC to DST. With --delete, also deletes DST keys SRC does not have (guarded by --max-delete).",
    flags: ONE_WAY_FLAGS,
    examples: [
      "ferry sync ./site s3://web/site/ --delete",
      "ferry sync s3://bucket/photos ./photos --exclude '*.tmp' --transfers 32",
      "ferry sync ./data backup:data --dry-run",
      "ferry sync ./a sftp://me@host/b --sftp-key-file ~/.ssh/id_ed25519 --json",
    ],
    run: ([src, dst], flags) => runOneWay("sync", src!, dst!, flags, env),
  });
  define({
    name: "copy",
    args: ["<src>", "<dst>"],
    summary: "copy new and changed keys; never deletes",
    flags: ONE_WAY_FLAGS,
    examples: ["ferry copy ./reports s3://archive/reports/", "ferry copy s3://a/x/ s3://b/x/ --include '*.parquet'"],
    run: ([src, dst], flags) => runOneWay("copy", src!, dst!, flags, env),
  });
  define({
    name: "move",
    args: ["<src>", "<dst>"],
    summary: "copy, then delete each source key once its copy is verified",
    flags: ONE_WAY_FLAGS,
    examples: ["ferry move ./outbox s3://inbox/", "ferry move s3://tmp/uploads/ ./uploads --dry-run"],
    run: ([src, dst], flags) => runOneWay("move", src!, dst!, flags, env),
  });
  define({
    name: "bisync",
    args: ["<a>", "<b>"],
    summary: "two-way sync with saved state",
    flags: [...FILTER_FLAGS, ...COMPARE_FLAGS, ...TRANSFER_FLAGS, ...ATTRIBUTE_FLAGS, ...GUARD_FLAGS, ...BISYNC_FLAGS, ...LOCATION_FLAGS, ...OUTPUT_FLAGS],
    examples: ["ferry bisync ./notes webdav://cloud/notes", "ferry bisync ./a s3://b/a --conflict newer", "ferry bisync ./a ./b --resync --initial source-wins"],
    run: ([a, b], flags) => runBisync(a!, b!, flags, env),
  });
  define({
    name: "check",
    args: ["<src>", "<dst>"],
    summary: "compare only; exit 1 when anything differs",
    flags: [...FILTER_FLAGS, ...COMPARE_FLAGS, ...CHECK_FLAGS, ...pick(TRANSFER_FLAGS, ["checkers", "list-concurrency", "tpslimit", "retries"]), ...LOCATION_FLAGS, ...OUTPUT_FLAGS],
    examples: ["ferry check ./site s3://web/site/", "ferry check ./a ./b --checksum", "ferry check ./a s3://b/a --check-all --json"],
    run: ([src, dst], flags) => runCheck(src!, dst!, flags, env),
  });
  define({
    name: "ls",
    args: ["<location>"],
    summary: "list keys with size, mtime and etag",
    flags: [...FILTER_FLAGS, ...LOCATION_FLAGS, ...OUTPUT_FLAGS],
    extra: (cmd) =>
      cmd
        .addOption(new Option("-R, --recursive", "list every key under the location, not just one level [env: FERRY_RECURSIVE]"))
        .addOption(new Option("--human-readable", "sizes as KiB/MiB/GiB"))
        .addOption(new Option("--summarize", "print the number of objects and total size at the end")),
    examples: ["ferry ls s3://bucket/prefix/", "ferry ls -R ./dir --json", "ferry ls -R backup: --human-readable --summarize"],
    run: ([location], flags, cmd) => {
      const o = cmd.opts<{ recursive?: boolean; humanReadable?: boolean; summarize?: boolean }>();
      const recursive = o.recursive === true || /^(1|true|yes|on)$/i.test(env.io.env.FERRY_RECURSIVE ?? "");
      return runLs(location!, flags, env, { recursive, humanReadable: o.humanReadable === true, summarize: o.summarize === true, etags: flags.bool("verbose") });
    },
  });
  define({
    name: "plan",
    args: ["<src>", "<dst>"],
    summary: "sync --dry-run printing the full plan (--out saves it for `ferry apply`)",
    flags: ONE_WAY_FLAGS.filter((s) => s.name !== "dry-run"),
    extra: (cmd) =>
      cmd
        .addOption(new Option("--out <file>", "save the plan as JSON for `ferry apply`"))
        .addOption(new Option("--explain <key>", "print which rule and comparison decided KEY, and stop")),
    examples: ["ferry plan ./site s3://web/site/ --delete", "ferry plan ./a s3://b/a --out plan.json && ferry apply plan.json", "ferry plan ./a ./b --exclude '*.log' --explain logs/x.log"],
    run: ([src, dst], flags, cmd) => {
      const o = cmd.opts<{ out?: string; explain?: string }>();
      return runPlan(src!, dst!, flags, env, { ...(o.out !== undefined ? { out: o.out } : {}), ...(o.explain !== undefined ? { explain: o.explain } : {}) });
    },
  });
  define({
    name: "apply",
    args: ["<plan>"],
    summary: "execute exactly a saved plan; changed keys are skipped and reported",
    flags: [...TRANSFER_FLAGS, ...pick(GUARD_FLAGS, ["force"]), ...LOCATION_FLAGS, ...OUTPUT_FLAGS],
    extra: (cmd) =>
      cmd
        .addOption(new Option("--src <location>", "the plan's source again (saved plans keep locations with credentials redacted)"))
        .addOption(new Option("--dst <location>", "the plan's destination again")),
    examples: ["ferry apply plan.json", "ferry apply plan.json --transfers 32 --json", "ferry apply plan.json --dst 'webdavs://me:$PASS@host/dav'"],
    run: ([plan], flags, cmd) => {
      const o = cmd.opts<{ src?: string; dst?: string }>();
      return runApply(plan!, flags, env, { ...(o.src !== undefined ? { src: o.src } : {}), ...(o.dst !== undefined ? { dst: o.dst } : {}) });
    },
  });
  define({
    name: "worker",
    args: [],
    summary: "execute distributed sync jobs from a Redis queue (needs @ferry/cluster)",
    flags: [...pick(CLUSTER_FLAGS, ["queue"]), ...WORKER_FLAGS, ...pick(TRANSFER_FLAGS, ["transfers", "bwlimit", "tpslimit"]), ...LOCATION_FLAGS, ...pick(OUTPUT_FLAGS, ["json", "quiet", "verbose", "debug", "config"])],
    examples: ["ferry worker --queue redis://10.0.0.5:6379 --concurrency 4", "FERRY_QUEUE=redis://redis:6379 ferry worker"],
    run: (_args, flags) => runWorker(flags, env),
  });
  define({
    name: "adapters",
    args: [],
    summary: "list adapters, installed or not, with their capabilities",
    flags: pick(OUTPUT_FLAGS, ["json", "debug"]),
    examples: ["ferry adapters", "ferry adapters --json"],
    run: (_args, flags) => runAdapters(flags, env),
  });
  define({
    name: "completion",
    args: ["<shell>"],
    summary: `print a shell completion script (${SHELLS.join(", ")})`,
    flags: pick(OUTPUT_FLAGS, ["debug"]),
    examples: ["source <(ferry completion bash)", "ferry completion zsh > ~/.zfunc/_ferry", "ferry completion fish > ~/.config/fish/completions/ferry.fish"],
    run: async ([shell]) => {
      env.io.stdout.write(completionScript(shell!, program));
      return 0;
    },
  });
  define({
    name: "check-config",
    args: [],
    summary: "validate the config file and list its named remotes",
    flags: pick(OUTPUT_FLAGS, ["json", "quiet", "debug", "config"]),
    examples: ["ferry check-config", "ferry check-config --config ./ferry.json --json"],
    run: (_args, flags) => runCheckConfig(flags, env),
  });
  return program;
}
