/**
 * End to end through the BUILT `ferry` binary (apps/cli/dist/bin.js) against the Azurite that
 * tooling/test-servers started: local → Azure → local round trips and Azure → Azure
 * server-side copies.
 *
 * Run: node tooling/test-servers/bin/with-servers.mjs --only azure -- npx vitest run --root adapters/azure test/e2e-cli.test.ts
 * A missing build or a missing server fails these tests; they never skip.
 */
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { BlobServiceClient, ContainerClient } from "@azure/storage-blob";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { BIN, BIG, KEYS, MiB, TREE, cliHarness, expectSameTree, files, lines, ofType, summary, traced, writeTree, type Run } from "../../../tooling/testing/object-store-cli.js";
import { azureServer, createContainer, rawService } from "./server.js";

const harness = cliHarness({
  label: "azure",
  copySourceHeader: "x-ms-copy-source",
  env: () => ({ AZURE_STORAGE_CONNECTION_STRING: azureServer().connectionString }),
});
const { ferry, syncJson } = harness;
let work = "";

// ---------------------------------------------------------------------------------------------

describe("ferry CLI ↔ Azure Blob (built binary, Azurite)", () => {
  let service: BlobServiceClient | undefined;
  let one: ContainerClient | undefined;
  let two: ContainerClient | undefined;
  let src = "";
  let uploaded: Promise<Run> | undefined;

  // a missing build or server fails every test here (reported per test, never as skipped)
  let setupError: unknown;
  beforeAll(async () => {
    try {
      if (!existsSync(BIN)) throw new Error(`${BIN} is missing: build the CLI first (cd /work/main && pnpm exec turbo run build)`);
      azureServer(); // fails here, naming the variable, when the test server is not running
      work = harness.setUp();
      service = rawService();
      one = await createContainer(service, "e2e");
      two = await createContainer(service, "e2e2");
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
    await one?.deleteIfExists().catch(() => {});
    await two?.deleteIfExists().catch(() => {});
    if (work) rmSync(work, { recursive: true, force: true });
  });

  const az = (container: ContainerClient | undefined, prefix: string) => `az://${container!.containerName}/${prefix}`;
  const upload = () => (uploaded ??= syncJson(["src", az(one, "rt/"), "--multipart-threshold", "8M"], join(work, "trace-upload.ndjson")));

  it("local → Azure → local is byte-identical with mtimes kept; re-running either leg transfers nothing", async () => {
    const up = await upload();
    expect(ofType(up, "transfer").map((e) => e.key).sort()).toEqual([...KEYS].sort());
    expect(ofType(up, "transfer").every((e) => e.op === "upload" && e.serverSide === undefined)).toBe(true);
    expect(summary(up)).toMatchObject({ outcome: "success", transferred: KEYS.length, failed: 0, exitCode: 0 });
    // the 20 MiB file was staged as blocks of 8 MiB and committed in one block list
    const requests = traced(join(work, "trace-upload.ndjson"));
    expect(requests.filter((q) => q.method === "PUT" && q.path.includes("comp=block&") && q.path.includes("twenty"))).toHaveLength(3);
    const blocks = await one!.getBlockBlobClient(`rt/${BIG}`).getBlockList("committed");
    expect(blocks.committedBlocks).toHaveLength(3);

    const upAgain = await syncJson(["src", az(one, "rt/"), "--multipart-threshold", "8M"]);
    expect(ofType(upAgain, "transfer")).toEqual([]);
    expect(summary(upAgain)).toMatchObject({ transferred: 0, skipped: KEYS.length, foundSrc: KEYS.length, foundDst: KEYS.length });

    const down = await syncJson([az(one, "rt/"), "back"]);
    expect(ofType(down, "transfer").every((e) => e.op === "download")).toBe(true);
    expect(summary(down)).toMatchObject({ transferred: KEYS.length, failed: 0 });
    expectSameTree(join(work, "back"), src);

    const downAgain = await syncJson([az(one, "rt/"), "back"]);
    expect(summary(downAgain)).toMatchObject({ transferred: 0, skipped: KEYS.length });

    const plain = await ferry(["sync", "src", az(one, "rt/")]);
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stdout).toBe("");
    expect(plain.stderr).toMatch(/Transferred:\s+0 files/);
  });

  it("Azure → Azure between two prefixes and two containers copies server-side, keeping mtimes", async () => {
    await upload();
    for (const [container, prefix] of [
      [one, "rt-copy/"],
      [two, "rt/"],
    ] as const) {
      const dst = az(container, prefix);
      const trace = join(work, `trace-copy-${container!.containerName}.ndjson`);
      const r = await syncJson([az(one, "rt/"), dst], trace);
      const transfers = ofType(r, "transfer");
      expect(transfers.map((e) => e.key).sort()).toEqual([...KEYS].sort());
      for (const t of transfers) expect(t).toMatchObject({ op: "copy", serverSide: true, from: "src", to: "dst" });
      // from the outside: one Copy Blob per key and no blob body read (the only GETs are on the
      // containers: properties and listings)
      const requests = traced(trace);
      expect(requests.filter((q) => q.copySource !== null)).toHaveLength(KEYS.length);
      expect(requests.filter((q) => q.method === "GET" && !q.path.includes("restype=container"))).toEqual([]);

      const again = await syncJson([az(one, "rt/"), dst]);
      expect(summary(again)).toMatchObject({ transferred: 0, skipped: KEYS.length });
      const check = await ferry(["check", "src", dst, "--compare", "size-mtime"]);
      expect(check.code, check.stdout + check.stderr).toBe(0);
    }
  });

  it("--dry-run changes nothing and --delete is guarded by --max-delete", async () => {
    const dst = az(one, "guard/");
    const full = join(work, "guard-full");
    const few = join(work, "guard-few");
    const six = Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`g ${i}.txt`, 3]));
    writeTree(full, six);
    writeTree(few, Object.fromEntries(Object.entries(six).slice(0, 2)));
    const blobs = async () => {
      const out: string[] = [];
      for await (const b of one!.listBlobsFlat({ prefix: "guard/" })) out.push(`${b.name}\t${b.properties.etag}`);
      return out;
    };

    const dry = await ferry(["sync", "guard-full", dst, "--dry-run"]);
    expect(dry.code, dry.stderr).toBe(0);
    expect(lines(dry.stdout).sort()).toEqual(Object.keys(six).map((k) => `(dryrun) upload: guard-full/${k} to ${dst}${k}`).sort());
    expect(await blobs()).toEqual([]);

    await syncJson(["guard-full", dst]);
    const before = await blobs();
    expect(before).toHaveLength(6);
    const refused = await ferry(["sync", "guard-few", dst, "--delete", "--json"]);
    expect(refused.code, refused.stderr).toBe(4);
    expect(summary(refused)).toMatchObject({ outcome: "refused", deleted: 0, toDelete: 4, exitCode: 4 });
    expect(await blobs()).toEqual(before);

    const forced = await syncJson(["guard-few", dst, "--delete", "--max-delete", "100%"]);
    expect(summary(forced)).toMatchObject({ outcome: "success", deleted: 4 });
    expect((await blobs()).map((b) => b.split("\t")[0])).toEqual(["guard/g 0.txt", "guard/g 1.txt"]);
  });
});
