/**
 * End to end through the BUILT `ferry` binary (apps/cli/dist/bin.js) against the s3rver that
 * tooling/test-servers started: local → S3 → local round trips, S3 → S3 server-side copies,
 * the --delete / --max-delete guard, --dry-run, ls and check.
 *
 * Run: node tooling/test-servers/bin/with-servers.mjs --only s3 -- npx vitest run --root adapters/s3 test/e2e-cli.test.ts
 * A missing build or a missing server fails these tests; they never skip.
 */
import { existsSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { BIN, BIG, KEYS, MiB, TREE, cliHarness, expectSameTree, files, lines, ofType, summary, traced, writeTree, type Run } from "../../../tooling/testing/object-store-cli.js";
import { createBucket, rawClient, removeBucket, s3Server } from "./server.js";

const harness = cliHarness({
  label: "s3",
  copySourceHeader: "x-amz-copy-source",
  // only the server's keys: no shared AWS config or credentials files, no instance metadata
  env: (work) => {
    const s = s3Server();
    return {
      AWS_CONFIG_FILE: join(work, "no-aws-config"),
      AWS_SHARED_CREDENTIALS_FILE: join(work, "no-aws-credentials"),
      AWS_EC2_METADATA_DISABLED: "true",
      AWS_ACCESS_KEY_ID: s.accessKeyId,
      AWS_SECRET_ACCESS_KEY: s.secretAccessKey,
      AWS_REGION: s.region,
    };
  },
  extraArgs: (args) => (args[0] === "ls" || args.some((a) => a.startsWith("s3://")) ? [...args, "--s3-endpoint", s3Server().endpoint] : args),
});
const { ferry, syncJson } = harness;
let work = "";

// ---------------------------------------------------------------------------------------------

describe("ferry CLI ↔ S3 (built binary, s3rver)", () => {
  let admin: S3Client | undefined;
  let bucket = "";
  let bucket2 = "";
  let src = "";
  let uploaded: Promise<Run> | undefined;

  // a missing build or server fails every test here (reported per test, never as skipped)
  let setupError: unknown;
  beforeAll(async () => {
    try {
      if (!existsSync(BIN)) throw new Error(`${BIN} is missing: build the CLI first (cd /work/main && pnpm exec turbo run build)`);
      s3Server(); // fails here, naming the variable, when the test server is not running
      work = harness.setUp();
      admin = rawClient();
      bucket = await createBucket(admin, "e2e");
      bucket2 = await createBucket(admin, "e2e2");
      src = join(work, "src");
      writeTree(src, TREE);
    } catch (e) {
      setupError = e;
    }
  });
  beforeEach(() => {
    if (setupError) throw setupError;
  });

  afterAll(async () => {
    if (admin) {
      for (const b of [bucket, bucket2]) if (b) await removeBucket(admin, b).catch(() => {});
      admin.destroy();
    }
    if (work) rmSync(work, { recursive: true, force: true });
  });

  /** `key etag` of every object under `prefix`, straight from the server (not through ferry). */
  const objects = async (prefix: string): Promise<string[]> => {
    const page = await admin!.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
    return (page.Contents ?? []).map((o) => `${o.Key} ${o.ETag}`);
  };

  /** The first leg (local → s3://bucket/rt/), run once and shared by the tests that need it. */
  const upload = () => (uploaded ??= syncJson(["src", `s3://${bucket}/rt/`, "--multipart-threshold", "8M"], join(work, "trace-upload.ndjson")));

  it("local → S3 → local is byte-identical with mtimes kept; re-running either leg transfers nothing", async () => {
    const up = await upload();
    expect(ofType(up, "transfer").map((e) => e.key).sort()).toEqual([...KEYS].sort());
    expect(ofType(up, "transfer").every((e) => e.op === "upload" && e.serverSide === undefined)).toBe(true);
    expect(summary(up)).toMatchObject({ outcome: "success", transferred: KEYS.length, failed: 0, exitCode: 0 });
    // the 20 MiB file went through the multipart path: one CreateMultipartUpload, 3 parts of 8 MiB
    const requests = traced(join(work, "trace-upload.ndjson"));
    const bigPath = `/${bucket}/rt/${BIG.split("/").map(encodeURIComponent).join("/")}`;
    expect(requests.filter((q) => q.method === "POST" && q.path.startsWith(`${bigPath}?uploads`))).toHaveLength(1);
    expect(requests.filter((q) => q.method === "PUT" && q.path.startsWith(bigPath) && q.path.includes("partNumber="))).toHaveLength(3);

    const upAgain = await syncJson(["src", `s3://${bucket}/rt/`, "--multipart-threshold", "8M"]);
    expect(ofType(upAgain, "transfer")).toEqual([]);
    expect(summary(upAgain)).toMatchObject({ transferred: 0, skipped: KEYS.length, foundSrc: KEYS.length, foundDst: KEYS.length });

    const down = await syncJson([`s3://${bucket}/rt/`, "back"]);
    expect(ofType(down, "transfer").every((e) => e.op === "download")).toBe(true);
    expect(summary(down)).toMatchObject({ transferred: KEYS.length, failed: 0 });
    expectSameTree(join(work, "back"), src);

    const downAgain = await syncJson([`s3://${bucket}/rt/`, "back"]);
    expect(summary(downAgain)).toMatchObject({ transferred: 0, skipped: KEYS.length });

    // the plain summary says the same
    const plain = await ferry(["sync", "src", `s3://${bucket}/rt/`]);
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stdout).toBe("");
    expect(plain.stderr).toMatch(/Transferred:\s+0 files/);
    // node process warnings (the SDK's own about Node < 22) are not ferry's output; the
    // child runs without any AWS_* setting, so the adapter itself must keep them out
    expect(plain.stderr).not.toMatch(/Warning/);
  });

  it("S3 → S3 between two prefixes and two buckets copies server-side, keeping mtimes", async () => {
    await upload();
    for (const dst of [`s3://${bucket}/rt-copy/`, `s3://${bucket2}/rt/`]) {
      const trace = join(work, `trace-copy-${dst.replace(/\W+/g, "_")}.ndjson`);
      const r = await syncJson([`s3://${bucket}/rt/`, dst], trace);
      const transfers = ofType(r, "transfer");
      expect(transfers.map((e) => e.key).sort()).toEqual([...KEYS].sort());
      for (const t of transfers) expect(t).toMatchObject({ op: "copy", serverSide: true, from: "src", to: "dst" });
      // from the outside: one CopyObject per key and no object body read (GETs are listings only)
      const requests = traced(trace);
      expect(requests.filter((q) => q.copySource !== null)).toHaveLength(KEYS.length);
      expect(requests.filter((q) => q.method === "GET" && !q.path.includes("list-type=2"))).toEqual([]);
      expect(requests.filter((q) => q.method === "PUT" && q.copySource === null)).toEqual([]);

      const again = await syncJson([`s3://${bucket}/rt/`, dst]);
      expect(summary(again)).toMatchObject({ transferred: 0, skipped: KEYS.length });
      // the copies carry the source mtimes: an explicit size-mtime check against the local tree agrees
      const check = await ferry(["check", "src", dst, "--compare", "size-mtime"]);
      expect(check.code, check.stdout + check.stderr).toBe(0);
    }
  });

  it("--delete refuses a plan deleting more than 50% (exit 4, nothing changed); --max-delete 100% and --force go through", async () => {
    const full = join(work, "del-full");
    const few = join(work, "del-few");
    const tenKeys = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`k${i}.txt`, 4]));
    writeTree(full, tenKeys);
    writeTree(few, Object.fromEntries(Object.entries(tenKeys).slice(0, 3)));
    writeFileSync(join(few, "new.txt"), "new\n");

    for (const [prefix, override, json] of [
      ["del-a/", ["--max-delete", "100%"], false],
      ["del-b/", ["--force"], true],
    ] as const) {
      const dst = `s3://${bucket}/${prefix}`;
      await syncJson(["del-full", dst]);
      const before = await objects(prefix);
      expect(before).toHaveLength(10);

      const refused = await ferry(["sync", "del-few", dst, "--delete", ...(json ? ["--json"] : [])]);
      expect(refused.code, refused.stderr).toBe(4);
      if (json) expect(summary(refused)).toMatchObject({ outcome: "refused", deleted: 0, transferred: 0, toDelete: 7, exitCode: 4 });
      else {
        expect(refused.stderr).toMatch(/refused: the plan would delete 7 keys, more than --max-delete 50%/);
        expect(refused.stdout).toBe("");
      }
      // nothing changed: no delete, and not the upload of new.txt either
      expect(await objects(prefix)).toEqual(before);

      const forced = await syncJson(["del-few", dst, "--delete", ...override]);
      expect(summary(forced)).toMatchObject({ outcome: "success", deleted: 7, transferred: 1 });
      expect(ofType(forced, "delete").map((e) => e.key).sort()).toEqual(["k3.txt", "k4.txt", "k5.txt", "k6.txt", "k7.txt", "k8.txt", "k9.txt"]);
      expect((await objects(prefix)).map((l) => l.split(" ")[0])).toEqual([`${prefix}k0.txt`, `${prefix}k1.txt`, `${prefix}k2.txt`, `${prefix}new.txt`]);
    }
  });

  it("--dry-run prints (dryrun) lines and changes nothing; ls lists; check exits 0 / 1", async () => {
    const misc = join(work, "misc");
    writeTree(misc, { "a.txt": 5, "sp ace/b+c#d.txt": 8, "ü/e.txt": 0 });
    const dst = `s3://${bucket}/misc/`;

    const dry = await ferry(["sync", "misc", dst, "--dry-run"]);
    expect(dry.code, dry.stderr).toBe(0);
    expect(lines(dry.stdout).sort()).toEqual(
      ["a.txt", "sp ace/b+c#d.txt", "ü/e.txt"].map((k) => `(dryrun) upload: misc/${k} to s3://${bucket}/misc/${k}`).sort(),
    );
    expect(dry.stderr).toMatch(/Would transfer:\s+3 files, 13 B/);
    expect(await objects("misc/")).toEqual([]);

    await syncJson(["misc", dst]);
    const ls = await ferry(["ls", dst, "-R"]);
    expect(ls.code, ls.stderr).toBe(0);
    expect(lines(ls.stdout).map((l) => l.trim().replace(/^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)?\s*\d+ /, ""))).toEqual(["a.txt", "sp ace/b+c#d.txt", "ü/e.txt"]);
    const lsJson = await ferry(["ls", dst, "-R", "--json"]);
    expect(ofType(lsJson, "entry").map((e) => [e.key, e.size])).toEqual([
      ["a.txt", 5],
      ["sp ace/b+c#d.txt", 8],
      ["ü/e.txt", 0],
    ]);
    // without -R: the top level, with the folders as prefixes
    const top = await ferry(["ls", dst]);
    expect(top.code, top.stderr).toBe(0);
    expect(top.stdout).toContain("a.txt");
    expect(top.stdout).toMatch(/PRE sp ace\//);

    const same = await ferry(["check", "misc", dst]);
    expect(same.code, same.stdout + same.stderr).toBe(0);

    // a changed file, a new file: a dry run names both and still changes nothing
    writeFileSync(join(misc, "a.txt"), "longer now");
    writeFileSync(join(misc, "new one.txt"), "n");
    const before = await objects("misc/");
    const dry2 = await ferry(["sync", "misc", dst, "--dryrun", "--delete"]);
    expect(dry2.code, dry2.stderr).toBe(0);
    expect(lines(dry2.stdout).sort()).toEqual([`(dryrun) upload: misc/a.txt to ${dst}a.txt`, `(dryrun) upload: misc/new one.txt to ${dst}new one.txt`]);
    expect(await objects("misc/")).toEqual(before);

    const diff = await ferry(["check", "misc", dst]);
    expect(diff.code, diff.stderr).toBe(1);
    expect(diff.stdout).toContain(`differ: misc/a.txt and ${dst}a.txt`);
    expect(diff.stdout).toContain(`only in src: misc/new one.txt`);
    const diffJson = await ferry(["check", "misc", dst, "--json"]);
    expect(diffJson.code).toBe(1);
    expect(ofType(diffJson, "difference").map((e) => [e.key, e.kind]).sort()).toEqual([
      ["a.txt", "differ"],
      ["new one.txt", "missing-on-dst"],
    ]);
  });
});
