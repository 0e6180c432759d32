import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { syncOptionsFromFlags } from "../src/commands/sync-options.js";
import { checkOptionsFromFlags } from "../src/commands/check.js";
import { bisyncOptionsFromFlags } from "../src/commands/bisync.js";
import { adapterOptions, assertAdapterFlagsApply } from "../src/flags/adapter-options.js";
import { outputSettings } from "../src/flags/output.js";
import { SecretScrubber } from "../src/secrets.js";
import { parseFlags } from "./flag-helpers.js";

const sync = (argv: string[], env: Record<string, string> = {}, command: "sync" | "copy" | "move" | "plan" = "sync") =>
  syncOptionsFromFlags(command, parseFlags(argv, env));

describe("flags → sync options", () => {
  it("maps the defaults to almost nothing", () => {
    const { options, deletes, dryRun } = sync([]);
    expect(options).toEqual({ collectKeys: false });
    expect(deletes).toBe(false);
    expect(dryRun).toBe(false);
  });

  it("accepts every dry-run spelling", () => {
    for (const flag of ["--dry-run", "--dryrun", "--dry", "-n"]) expect(sync([flag]).options.dryRun).toBe(true);
    expect(sync([], {}, "plan").options.dryRun).toBe(true);
  });

  it("accepts every delete spelling", () => {
    for (const flag of ["--delete", "--prune", "--delete-dst"]) {
      const r = sync([flag]);
      expect(r.options.delete).toBe(true);
      expect(r.deletes).toBe(true);
    }
  });

  it("keeps include/exclude order across both flags", () => {
    const { options } = sync(["--include", "a/*", "--exclude", "*.tmp", "--include=b/**", "--exclude", "c"]);
    expect(options.filters).toEqual([
      { action: "include", pattern: "a/*", origin: "--include #1" },
      { action: "exclude", pattern: "*.tmp", origin: "--exclude #1" },
      { action: "include", pattern: "b/**", origin: "--include #2" },
      { action: "exclude", pattern: "c", origin: "--exclude #2" },
    ]);
  });

  it("passes a single kind of rule as include/exclude lists", () => {
    expect(sync(["--exclude", "a", "--exclude", "b"]).options).toMatchObject({ exclude: ["a", "b"] });
    expect(sync(["--include", "x"]).options).toMatchObject({ include: ["x"] });
  });

  it("reads --filter-from in its place among the flags", () => {
    const dir = mkdtempSync(join(tmpdir(), "ferry-cli-"));
    const file = join(dir, "rules.txt");
    writeFileSync(file, "# comment\n+ *.md\n- *\n");
    const { options } = sync(["--exclude", "tmp/", "--filter-from", file, "--include", "late"]);
    expect(options.filters?.map((r) => `${r.action} ${r.pattern}`)).toEqual(["exclude tmp/", "include *.md", "exclude *", "include late"]);
  });

  it("reads --files-from", () => {
    const dir = mkdtempSync(join(tmpdir(), "ferry-cli-"));
    const file = join(dir, "keys.txt");
    writeFileSync(file, "a.txt\nsub/\n");
    expect(sync(["--files-from", file]).options.filesFrom).toEqual(["a.txt", "sub/"]);
  });

  it("maps compare aliases and refuses contradictions", () => {
    expect(sync(["--size-only"]).options.compare).toBe("size");
    expect(sync(["-c"]).options.compare).toBe("checksum");
    expect(sync(["--compare", "etag"]).options.compare).toBe("etag");
    expect(sync(["--compare", "size", "--size-only"]).options.compare).toBe("size");
    expect(() => sync(["--size-only", "--checksum"])).toThrow(/pick different comparisons/);
    expect(() => sync(["--compare", "fuzzy"])).toThrow(/invalid value "fuzzy" for --compare/);
    expect(() => sync(["--update", "--ignore-times"])).toThrow(/--update conflicts with --ignore-times/);
    expect(() => sync(["--existing", "--ignore-existing"])).toThrow(/transfer nothing/);
    expect(sync(["--ignore-times"]).options.forceUpdate).toBe(true);
    expect(sync(["-u", "--exact-timestamps", "--modify-window", "2s"]).options).toMatchObject({ update: true, exactTimestamps: true, modifyWindow: 2000 });
  });

  it("maps --match-full-path to first-match and refuses another style with it", () => {
    expect(sync(["--match-full-path"]).options.filterStyle).toBe("first-match");
    expect(sync(["--filter-style", "aws"]).options.filterStyle).toBe("aws");
    expect(() => sync(["--match-full-path", "--filter-style", "layered"])).toThrow(/conflicts/);
    expect(() => sync(["--filter-style", "rsync"])).toThrow(/use one of: first-match, layered, aws/);
  });

  it("parses sizes, ages and ranges through the core units", () => {
    const { options } = sync(["--min-size", "1K", "--max-size", "10M", "--min-age", "2h", "--max-age", "30d", "--start", "a", "--end", "m", "--limit", "5"]);
    expect(options).toMatchObject({ minSize: 1024, maxSize: 10 * 1024 * 1024, minAge: 2 * 3600_000, maxAge: 30 * 86400_000, start: "a", end: "m", limit: 5 });
    expect(() => sync(["--min-size", "10 parsecs"])).toThrow(/invalid size "10 parsecs" for --min-size/);
    expect(() => sync(["--max-age", "soon"])).toThrow(/invalid age/);
    expect(() => sync(["--min-size", "2M", "--max-size", "1M"])).toThrow(/no key could match/);
    expect(() => sync(["--start", "z", "--end", "a"])).toThrow(/key range is empty/);
    expect(() => sync(["--limit", "0"])).toThrow(/at least 1/);
  });

  it("maps transfer settings", () => {
    const { options } = sync([
      "--transfers", "8", "--checkers", "4", "--list-concurrency", "2", "--bwlimit", "10M", "--tpslimit", "50",
      "--multipart-threshold", "16M", "--multipart-chunk-size", "8M", "--retries", "0", "--stop-on-error", "--max-failures", "3", "--verify",
    ]);
    expect(options).toMatchObject({
      transfers: 8, checkers: 4, listConcurrency: 2, bwlimit: 10 * 2 ** 20, tpslimit: 50,
      multipartThreshold: 16 * 2 ** 20, multipartChunkSize: 8 * 2 ** 20, retries: 0, stopOnError: true, maxFailures: 3, verify: true,
    });
    expect(() => sync(["--transfers", "0"])).toThrow(/at least 1/);
    expect(() => sync(["--transfers", "lots"])).toThrow(/expected a whole number/);
    expect(sync(["--bwlimit", "off"]).options.bwlimit).toBeUndefined();
  });

  it("maps object attributes", () => {
    const { options } = sync(["--content-type", "text/html", "--cache-control", "max-age=60", "--content-disposition", "inline", "--metadata", "a=1", "--metadata", "b=x=y", "--storage-class", "STANDARD_IA", "--sse", "AES256", "--sse-kms-key-id", "k", "--acl", "private", "--access-tier", "Cool"]);
    expect(options.attributes).toEqual({
      contentType: "text/html", cacheControl: "max-age=60", contentDisposition: "inline", metadata: { a: "1", b: "x=y" },
      storageClass: "STANDARD_IA", sse: "AES256", sseKmsKeyId: "k", acl: "private", accessTier: "Cool",
    });
    expect(() => sync(["--metadata", "novalue"])).toThrow(/expected key=value/);
    expect(() => sync(["--metadata", "a=1", "--metadata", "a=2"])).toThrow(/given twice/);
  });

  it("maps deletion and safety flags", () => {
    const { options } = sync(["--delete", "--delete-excluded", "--delete-before", "--max-delete", "10%", "--force", "--backup-dir", "../old", "--suffix", ".bak"]);
    expect(options).toMatchObject({ delete: true, deleteExcluded: true, deleteTiming: "before", maxDelete: "10%", force: true, backupDir: "../old", suffix: ".bak" });
    expect(sync(["--max-delete", "7"]).options.maxDelete).toBe(7);
    expect(() => sync(["--max-delete", "110%"])).toThrow(/invalid value "110%" for --max-delete/);
    expect(() => sync(["--delete", "--delete-before", "--delete-during"])).toThrow(/pick one moment/);
    expect(() => sync(["--delete-excluded"])).toThrow(/only makes sense when deleting/);
    expect(() => sync(["--delete-after"])).toThrow(/--delete-after only makes sense when deleting/);
  });

  it("maps modes and refuses contradictions", () => {
    expect(sync(["--mode", "mirror"])).toMatchObject({ deletes: true, options: { mode: "mirror" } });
    expect(sync(["--mode", "sb"]).deletes).toBe(false);
    expect(() => sync(["--mode", "sideways"])).toThrow(/use one of: sourceToDestination/);
    expect(() => sync(["--mode", "copy", "--delete"])).toThrow(/never deletes/);
    expect(() => sync(["--mode", "twoWay"])).toThrow(/ferry bisync/);
  });

  it("refuses --delete and deleting modes for copy and move", () => {
    expect(() => sync(["--delete"], {}, "copy")).toThrow(/ferry copy never deletes/);
    expect(() => sync(["--prune"], {}, "move")).toThrow(/ferry move never deletes/);
    expect(() => sync(["--mode", "std"], {}, "copy")).toThrow(/never deletes/);
    expect(sync([], {}, "move").options.deleteSource).toBe(true);
  });

  it("maps cluster flags and requires --queue for the others", () => {
    expect(sync(["--queue", "redis://h:6379", "--min-workers", "2", "--batch-keys", "50", "--batch-bytes", "64M"]).options).toMatchObject({ queue: "redis://h:6379", minWorkers: 2, batchKeys: 50, batchBytes: 64 * 2 ** 20 });
    expect(() => sync(["--min-workers", "2"])).toThrow(/needs --queue/);
    expect(() => sync(["--queue", "http://h"])).toThrow(/not a Redis URL/);
  });
});

describe("FERRY_* environment defaults", () => {
  it("fills values the command line did not give", () => {
    const { options } = sync([], { FERRY_TRANSFERS: "8", FERRY_DRY_RUN: "true", FERRY_DELETE: "1", FERRY_MAX_DELETE: "25%" });
    expect(options).toMatchObject({ transfers: 8, dryRun: true, delete: true, maxDelete: "25%" });
  });

  it("loses to the command line", () => {
    expect(sync(["--transfers", "2"], { FERRY_TRANSFERS: "8" }).options.transfers).toBe(2);
  });

  it("reads booleans strictly and names the variable in errors", () => {
    expect(sync([], { FERRY_DELETE: "false" }).options.delete).toBeUndefined();
    expect(() => sync([], { FERRY_DELETE: "perhaps" })).toThrow(/FERRY_DELETE: expected true or false/);
    expect(() => sync([], { FERRY_TRANSFERS: "many" })).toThrow(/for FERRY_TRANSFERS/);
  });

  it("takes repeatable flags one per line", () => {
    expect(sync([], { FERRY_EXCLUDE: "*.tmp\n*.log" }).options.exclude).toEqual(["*.tmp", "*.log"]);
  });

  it("gives adapter options by camelCase name", () => {
    const scrubber = new SecretScrubber();
    const flags = parseFlags(["--s3-endpoint", "http://localhost:9000", "--s3-path-style=false", "--links", "--perms"], { FERRY_SFTP_KEY_FILE: "/k", FERRY_SFTP_PASSWORD: "hunter22" });
    expect(adapterOptions(flags, scrubber)).toEqual({ s3Endpoint: "http://localhost:9000", s3PathStyle: false, links: "copy", perms: true, sftpKeyFile: "/k", sftpPassword: "hunter22" });
    expect(scrubber.scrub("pw hunter22")).toBe("pw ***");
  });
});

describe("adapter flags", () => {
  it("are refused when no location uses their adapter", () => {
    const flags = parseFlags(["--s3-endpoint", "http://x"]);
    expect(() => assertAdapterFlagsApply(flags, new Set(["local"]))).toThrow(/--s3-endpoint is not supported by local/);
    expect(() => assertAdapterFlagsApply(flags, new Set(["local", "s3"]))).not.toThrow();
  });

  it("are not refused when they come from the environment (standing configuration)", () => {
    const flags = parseFlags([], { FERRY_WEBDAV_USER: "me", FERRY_WEBDAV_PASSWORD: "pw", FERRY_S3_ENDPOINT: "http://x" });
    expect(() => assertAdapterFlagsApply(flags, new Set(["local", "sftp"]))).not.toThrow();
  });
});

describe("output flags", () => {
  it("decide verbosity and refuse opposites", () => {
    expect(outputSettings(parseFlags(["-q"])).verbosity).toBe("quiet");
    expect(outputSettings(parseFlags(["--only-show-errors"])).verbosity).toBe("errors");
    expect(outputSettings(parseFlags(["-v"])).verbosity).toBe("verbose");
    expect(outputSettings(parseFlags(["--no-progress", "-y", "--json"]))).toMatchObject({ progress: false, yes: true, json: true });
    expect(outputSettings(parseFlags([])).progress).toBe(true);
    expect(() => outputSettings(parseFlags(["--quiet", "--verbose"]))).toThrow(/conflicts/);
  });
});

describe("other commands' options", () => {
  it("check", () => {
    expect(checkOptionsFromFlags(parseFlags(["--check-all", "--checksum", "--exclude", "x"]))).toMatchObject({ checkAll: true, compare: "checksum", exclude: ["x"] });
  });
  it("bisync", () => {
    expect(bisyncOptionsFromFlags(parseFlags(["--conflict", "newer", "--initial", "source-wins", "--resync", "--state-dir", "/s", "-n"]))).toMatchObject({
      conflict: "newer", initial: "source-wins", resync: true, stateDir: "/s", dryRun: true,
    });
    expect(() => bisyncOptionsFromFlags(parseFlags(["--conflict", "coinflip"]))).toThrow(/keep-both/);
    expect(() => bisyncOptionsFromFlags(parseFlags(["--update"]))).toThrow(/--update is not supported by bisync/);
    expect(() => bisyncOptionsFromFlags(parseFlags(["--backup-dir", "x"]))).toThrow(/not supported by bisync/);
  });
});
