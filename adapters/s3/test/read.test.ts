import type { S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MiB, bodyOf, md5hex, randomData, readAll } from "./bodies.js";
import { createBucket, rawClient, removeBucket, testAdapter } from "./server.js";

let admin: S3Client;
let bucket: string;
const data = randomData(5 * MiB + 12_345);

beforeAll(async () => {
  admin = rawClient();
  bucket = await createBucket(admin, "read");
  const writer = testAdapter(bucket);
  await writer.write("big.bin", bodyOf(data), { size: data.length });
  await writer.write("empty", bodyOf(Buffer.alloc(0)), { size: 0 });
  await writer.close();
});
afterAll(async () => {
  if (!admin) return; // the server was missing: beforeAll already failed the file
  await removeBucket(admin, bucket);
  admin.destroy();
});

function recordGets(client: S3Client): string[] {
  const ranges: string[] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === "GetObjectCommand") ranges.push((args.input as { Range?: string }).Range ?? "all");
      return next(args);
    },
    { step: "initialize", name: `gets-${Math.random()}` },
  );
  return ranges;
}

describe("S3 reads", () => {
  it("downloads a big object as parallel ranges, delivered in order", async () => {
    const adapter = testAdapter(bucket, { downloadPartSize: MiB, downloadConcurrency: 3 });
    const gets = recordGets(adapter.client);
    const got = await readAll(await adapter.read("big.bin"));
    expect(got.length).toBe(data.length);
    expect(md5hex(got)).toBe(md5hex(data));
    expect(gets[0]).toBe("all");
    expect(gets.slice(1).sort()).toEqual(
      ["bytes=1048576-2097151", "bytes=2097152-3145727", "bytes=3145728-4194303", "bytes=4194304-5242879", `bytes=5242880-${data.length - 1}`].sort(),
    );
    await adapter.close();
  });

  it("reads a big object in one stream when parallel download is off", async () => {
    const adapter = testAdapter(bucket, { downloadPartSize: MiB, downloadConcurrency: 1 });
    const gets = recordGets(adapter.client);
    expect(md5hex(await readAll(await adapter.read("big.bin")))).toBe(md5hex(data));
    expect(gets).toEqual(["all"]);
    await adapter.close();
  });

  it("stops fetching when the reader stops early", async () => {
    const adapter = testAdapter(bucket, { downloadPartSize: MiB, downloadConcurrency: 2 });
    const gets = recordGets(adapter.client);
    const stream = await adapter.read("big.bin");
    for await (const chunk of stream) {
      expect((chunk as Buffer).length).toBeGreaterThan(0);
      break;
    }
    expect(stream.destroyed).toBe(true);
    expect(gets.length).toBeLessThanOrEqual(3);
    await adapter.close();
  });

  it("reads ranges: inclusive ends, open ends, past the end, and on an empty object", async () => {
    const adapter = testAdapter(bucket);
    const read = async (key: string, start: number, end?: number) => readAll(await adapter.read(key, { range: end === undefined ? { start } : { start, end } }));
    expect((await read("big.bin", 0, 0)).equals(data.subarray(0, 1))).toBe(true);
    expect((await read("big.bin", 10, 1009)).equals(data.subarray(10, 1010))).toBe(true);
    expect((await read("big.bin", data.length - 5)).equals(data.subarray(data.length - 5))).toBe(true);
    expect((await read("big.bin", data.length - 5, data.length + 100)).equals(data.subarray(data.length - 5))).toBe(true);
    expect((await read("big.bin", data.length)).length).toBe(0);
    expect((await read("empty", 0)).length).toBe(0);
    expect((await readAll(await adapter.read("empty"))).length).toBe(0);
    await adapter.close();
  });

  it("reading a missing key is NotFound", async () => {
    const adapter = testAdapter(bucket);
    await expect(adapter.read("nope")).rejects.toMatchObject({ code: "NotFound", key: "nope", adapter: "s3" });
    await expect(adapter.read("nope", { range: { start: 1 } })).rejects.toMatchObject({ code: "NotFound" });
    await adapter.close();
  });
});
