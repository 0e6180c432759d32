import net from "node:net";
import type { S3Client } from "@aws-sdk/client-s3";
import { FerryError } from "@ferry/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bodyOf, collect } from "./bodies.js";
import { createBucket, rawClient, removeBucket, s3Server, testAdapter } from "./server.js";
import { s3 } from "../src/index.js";

let admin: S3Client;
let bucket: string;
const SECRET = "wJalrXUtnFEMI-K7MDENG-bPxRfiCYEXAMPLEKEY";

beforeAll(async () => {
  admin = rawClient();
  bucket = await createBucket(admin, "errors");
});
afterAll(async () => {
  if (!admin) return; // the server was missing: beforeAll already failed the file
  await removeBucket(admin, bucket);
  admin.destroy();
});

async function failure(p: Promise<unknown> | (() => Promise<unknown>)): Promise<FerryError> {
  try {
    await (typeof p === "function" ? p() : p);
  } catch (e) {
    expect(e).toBeInstanceOf(FerryError);
    return e as FerryError;
  }
  throw new Error("expected a failure");
}

function expectNoSecret(e: FerryError): void {
  expect(e.message).not.toContain(SECRET);
  expect(e.hint ?? "").not.toContain(SECRET);
  expect(JSON.stringify(e)).not.toContain(SECRET);
  expect(String(e.stack)).not.toContain(SECRET);
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise((r) => srv.close(r));
  return port;
}

describe("S3 error mapping against the server", () => {
  it("a missing key: stat is undefined, read is NotFound", async () => {
    const adapter = testAdapter(bucket);
    expect(await adapter.stat("missing")).toBeUndefined();
    const e = await failure(adapter.read("missing"));
    expect(e.code).toBe("NotFound");
    expect(e.message).toContain('"missing"');
    await adapter.close();
  });

  it("a missing bucket: probe, list and write fail with NotFound naming the bucket", async () => {
    const adapter = testAdapter("no-such-bucket-ferry");
    for (const e of [await failure(adapter.probe()), await failure(collect(adapter.list())), await failure(adapter.write("k", bodyOf(Buffer.from("x")), { size: 1 }))]) {
      expect(e.code).toBe("NotFound");
      expect(e.message).toContain('"no-such-bucket-ferry"');
    }
    await adapter.close();
  });

  it("probe: an existing bucket exists; a prefix exists only when something lies under it", async () => {
    const adapter = testAdapter(bucket, { prefix: "probe/" });
    expect(await adapter.probe()).toEqual({ exists: false });
    await adapter.write("x", bodyOf(Buffer.from("x")), { size: 1 });
    expect(await adapter.probe()).toEqual({ exists: true });
    expect(await testAdapter(bucket).probe()).toEqual({ exists: true });
    await adapter.close();
  });

  it("wrong credentials are Unauthorized, and the secret appears nowhere in the error", async () => {
    const s = s3Server();
    // s3rver does not verify V4 signatures, but it does know which access keys exist
    const adapter = s3({ bucket, endpoint: s.endpoint, region: s.region, credentials: { accessKeyId: "AKIAWRONGWRONGWRONG", secretAccessKey: SECRET } });
    for (const e of [
      await failure(adapter.probe()),
      await failure(collect(adapter.list())),
      await failure(adapter.read("k")),
      await failure(adapter.write("k", bodyOf(Buffer.from("x")), { size: 1 })),
    ]) {
      expect(e.code).toBe("Unauthorized");
      expect(e.adapter).toBe("s3");
      expect(e.hint).toMatch(/AWS_ACCESS_KEY_ID|AWS_PROFILE/);
      expectNoSecret(e);
    }
    const outcomes = await adapter.delete(["a", "b"]);
    for (const o of outcomes) {
      expect(o.error?.code).toBe("Unauthorized");
      expectNoSecret(o.error!);
    }
    await adapter.close();
  });

  it("an endpoint nobody listens on: probe is Unreachable naming the endpoint, operations are Transient", async () => {
    const port = await closedPort();
    const adapter = s3({ bucket, endpoint: `http://127.0.0.1:${port}`, credentials: { accessKeyId: "AKIAX", secretAccessKey: SECRET }, maxAttempts: 1 });
    const probe = await failure(adapter.probe());
    expect(probe.code).toBe("Unreachable");
    expect(probe.message).toContain(`http://127.0.0.1:${port}`);
    expectNoSecret(probe);
    const list = await failure(collect(adapter.list()));
    expect(list.code).toBe("Transient");
    expect(list.retryable).toBe(true);
    expectNoSecret(list);
    const write = await failure(adapter.write("k", bodyOf(Buffer.from("x")), { size: 1 }));
    expect(write.code).toBe("Transient");
    expect(write.message).toContain(`http://127.0.0.1:${port}`);
    expectNoSecret(write);
    await adapter.close();
  });

  it("invalid keys are refused before any request", async () => {
    const adapter = testAdapter(bucket);
    for (const key of ["../up", "/abs", "a//b", "a/./b", ""]) {
      expect((await failure(adapter.read(key))).code).toBe("InvalidKey");
      expect((await failure(adapter.write(key, bodyOf(Buffer.from("x")), { size: 1 }))).code).toBe("InvalidKey");
    }
    await adapter.close();
  });
});
