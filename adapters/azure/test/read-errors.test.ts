import net from "node:net";
import type { BlobServiceClient, ContainerClient } from "@azure/storage-blob";
import { FerryError } from "@ferry/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bodyOf, collect, randomData, readAll } from "./bodies.js";
import { azureServer, createContainer, rawService, testAdapter } from "./server.js";
import { azure } from "../src/index.js";

let service: BlobServiceClient;
let container: ContainerClient;
const data = randomData(100_000);
const WRONG_KEY = Buffer.from("this-is-the-wrong-secret-account-key-0123456789").toString("base64");

beforeAll(async () => {
  service = rawService();
  container = await createContainer(service, "errors");
  const writer = testAdapter(container.containerName);
  await writer.write("data.bin", bodyOf(data), { size: data.length });
  await writer.write("empty", bodyOf(Buffer.alloc(0)), { size: 0 });
});
afterAll(async () => {
  await container?.deleteIfExists();
});

async function failure(p: Promise<unknown>): Promise<FerryError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(FerryError);
    return e as FerryError;
  }
  throw new Error("expected a failure");
}

function expectNoSecret(e: FerryError, secret: string): void {
  for (const text of [e.message, e.hint ?? "", JSON.stringify(e), String(e.stack), String((e.cause as Error | undefined)?.message)]) {
    expect(text).not.toContain(secret);
  }
}

async function closedPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise((r) => srv.close(r));
  return port;
}

describe("Azure reads", () => {
  it("reads a blob bigger than two parts as parallel ranges, byte-identical and in order", async () => {
    const big = randomData(1024 * 1024 + 12_345);
    const adapter = testAdapter(container.containerName, { downloadPartSize: 64 * 1024, downloadConcurrency: 4 });
    await adapter.write("big.bin", bodyOf(big), { size: big.length });
    const ranges: string[] = [];
    const recording = testAdapter(container.containerName, { downloadPartSize: 64 * 1024, downloadConcurrency: 4 });
    // count the ranged GETs the read makes (the first response supplies part 0)
    const blobClient = (recording as unknown as { container: ContainerClient }).container.getBlobClient("big.bin");
    const proto = Object.getPrototypeOf(blobClient) as { downloadToBuffer: (...a: unknown[]) => Promise<Buffer> };
    const original = proto.downloadToBuffer;
    proto.downloadToBuffer = function (this: unknown, ...args: unknown[]) {
      ranges.push(`${String(args[0])}+${String(args[1])}`);
      return original.apply(this, args);
    };
    try {
      expect((await readAll(await recording.read("big.bin"))).equals(big)).toBe(true);
    } finally {
      proto.downloadToBuffer = original;
    }
    expect(ranges.length).toBe(Math.ceil(big.length / (64 * 1024)) - 1);
    expect(ranges[0]).toBe(`${64 * 1024}+${64 * 1024}`);
    // concurrency 1 reads one stream
    const single = testAdapter(container.containerName, { downloadPartSize: 64 * 1024, downloadConcurrency: 1 });
    expect((await readAll(await single.read("big.bin"))).equals(big)).toBe(true);
  });

  it("a blob replaced during a parallel read fails the read instead of mixing two versions", async () => {
    const v1 = randomData(512 * 1024);
    const adapter = testAdapter(container.containerName, { downloadPartSize: 32 * 1024, downloadConcurrency: 2 });
    await adapter.write("changing.bin", bodyOf(v1), { size: v1.length });
    const stream = await adapter.read("changing.bin");
    const iterator = stream[Symbol.asyncIterator]();
    await iterator.next(); // part 0 is in hand and the next ranges are pinned to v1's etag
    const v2 = randomData(512 * 1024);
    await adapter.write("changing.bin", bodyOf(v2), { size: v2.length });
    const rest = (async () => {
      for (;;) if ((await iterator.next()).done) return;
    })();
    const e = await failure(rest);
    expect(e.code).not.toBe("Unauthorized");
    expect(e.message).toMatch(/changing\.bin/);
  });

  it("reads ranges, ranges past the end, and empty blobs", async () => {
    const adapter = testAdapter(container.containerName);
    const read = async (key: string, start: number, end?: number) => readAll(await adapter.read(key, { range: end === undefined ? { start } : { start, end } }));
    expect((await read("data.bin", 0, 0)).equals(data.subarray(0, 1))).toBe(true);
    expect((await read("data.bin", 100, 1099)).equals(data.subarray(100, 1100))).toBe(true);
    expect((await read("data.bin", data.length - 3)).equals(data.subarray(data.length - 3))).toBe(true);
    expect((await read("data.bin", data.length)).length).toBe(0);
    expect((await read("empty", 0)).length).toBe(0);
    expect((await readAll(await adapter.read("empty"))).length).toBe(0);
  });
});

describe("Azure error mapping", () => {
  it("a missing blob: stat undefined, read NotFound", async () => {
    const adapter = testAdapter(container.containerName);
    expect(await adapter.stat("missing")).toBeUndefined();
    const e = await failure(adapter.read("missing"));
    expect(e).toMatchObject({ code: "NotFound", key: "missing", adapter: "azure" });
  });

  it("a missing container: probe, list, read and write are NotFound naming it", async () => {
    const adapter = testAdapter("no-such-container");
    for (const e of [
      await failure(adapter.probe()),
      await failure(collect(adapter.list())),
      await failure(adapter.read("k")),
      await failure(adapter.write("k", bodyOf(Buffer.from("x")), { size: 1 })),
    ]) {
      expect(e.code).toBe("NotFound");
      expect(e.message).toContain('"no-such-container"');
    }
  });

  it("probe: the container exists; a prefix exists only with something under it", async () => {
    expect(await testAdapter(container.containerName).probe()).toEqual({ exists: true });
    expect(await testAdapter(container.containerName, { prefix: "nothing-here/" }).probe()).toEqual({ exists: false });
  });

  it("a wrong account key is Unauthorized and the key appears nowhere in the error", async () => {
    const s = azureServer();
    const adapter = azure({ container: container.containerName, account: s.account, accountKey: WRONG_KEY, endpoint: s.endpoint, maxTries: 1 });
    for (const e of [
      await failure(adapter.probe()),
      await failure(collect(adapter.list())),
      await failure(adapter.read("data.bin")),
      await failure(adapter.write("k", bodyOf(Buffer.from("x")), { size: 1 })),
    ]) {
      expect(e.code).toBe("Unauthorized");
      expect(e.hint).toMatch(/AZURE_STORAGE_CONNECTION_STRING/);
      expectNoSecret(e, WRONG_KEY);
    }
  });

  it("a SAS token never shows up in errors", async () => {
    const s = azureServer();
    const sas = "sv=2024-01-01&ss=b&srt=sco&sp=r&se=2000-01-01T00:00:00Z&sig=NOTAVALIDSIGNATUREBUTSECRET";
    const adapter = azure({ container: container.containerName, account: s.account, sasToken: sas, endpoint: s.endpoint, maxTries: 1 });
    const e = await failure(adapter.read("data.bin"));
    expect(["Unauthorized", "Provider"]).toContain(e.code);
    expectNoSecret(e, "NOTAVALIDSIGNATUREBUTSECRET");
  });

  it("an endpoint nobody listens on: probe is Unreachable naming it, operations are Transient", async () => {
    const s = azureServer();
    const port = await closedPort();
    const endpoint = `http://127.0.0.1:${port}/${s.account}`;
    const adapter = azure({ container: "c", account: s.account, accountKey: s.accountKey, endpoint, maxTries: 1 });
    const probe = await failure(adapter.probe());
    expect(probe.code).toBe("Unreachable");
    expect(probe.message).toContain(endpoint);
    expectNoSecret(probe, s.accountKey);
    const list = await failure(collect(adapter.list()));
    expect(list).toMatchObject({ code: "Transient", retryable: true });
  });
});
