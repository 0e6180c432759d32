import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bodyOf } from "./bodies.js";
import { s3 } from "../src/index.js";

/** A fake S3 that answers PUTs from a script and records what it received. */
interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}
let server: http.Server;
let endpoint: string;
const seen: Seen[] = [];
let script: Array<{ status: number; body?: string; headers?: Record<string, string> }> = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks).toString() });
      const next = script.shift() ?? { status: 200, headers: { etag: '"0cc175b9c0f1b6a831c399e269772661"' } };
      res.writeHead(next.status, { "content-type": "application/xml", ...next.headers });
      res.end(next.body ?? "");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const SECRET = "wJalrXUtnFEMI-K7MDENG-bPxRfiCYEXAMPLEKEY";
const errorXml = (code: string, message: string) => `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`;

function adapter(extra: { maxAttempts?: number } = {}) {
  return s3({ bucket: "bkt", prefix: "p/", endpoint, region: "eu-west-1", credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: SECRET }, ...extra });
}

describe("direct (hand-signed) PutObject", () => {
  it("sends the SDK's request: path-style URL, attributes as headers, Content-MD5, SigV4 with an unsigned payload", async () => {
    seen.length = 0;
    const a = adapter();
    const res = await a.write("d i r/ü!.txt", bodyOf(Buffer.from("a")), {
      size: 1,
      mtime: 1_700_000_000_000,
      contentType: "text/plain",
      cacheControl: "max-age=60",
      contentDisposition: "attachment",
      metadata: { Owner: "me" },
      storageClass: "STANDARD_IA",
      sse: "aws:kms",
      sseKmsKeyId: "key-1",
      acl: "public-read",
    });
    expect(res).toMatchObject({ size: 1, etag: "0cc175b9c0f1b6a831c399e269772661", hashes: { md5: "0cc175b9c0f1b6a831c399e269772661" } });
    expect(seen).toHaveLength(1);
    const { method, url, headers, body } = seen[0]!;
    expect([method, url, body]).toEqual(["PUT", "/bkt/p/d%20i%20r/%C3%BC%21.txt", "a"]);
    expect(headers).toMatchObject({
      "content-length": "1",
      "content-md5": "DMF1ucDxtqgxw5niaXcmYQ==",
      "content-type": "text/plain",
      "cache-control": "max-age=60",
      "content-disposition": "attachment",
      "x-amz-meta-owner": "me",
      "x-amz-meta-mtime": "1700000000",
      "x-amz-storage-class": "STANDARD_IA",
      "x-amz-server-side-encryption": "aws:kms",
      "x-amz-server-side-encryption-aws-kms-key-id": "key-1",
      "x-amz-acl": "public-read",
      "x-amz-content-sha256": "UNSIGNED-PAYLOAD",
    });
    expect(headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/s3\/aws4_request, SignedHeaders=[a-z0-9;-]*content-md5;[a-z0-9;-]*host;[a-z0-9;-]*x-amz-meta-mtime;.*Signature=[0-9a-f]{64}$/);
    expect(headers.authorization).not.toContain(SECRET);
    await a.close();
  });

  it("retries throttling and 5xx like the SDK, then maps S3's XML error through the same mapping", async () => {
    const a = adapter({ maxAttempts: 3 });
    seen.length = 0;
    script = [{ status: 503, body: errorXml("SlowDown", "Please reduce your request rate.") }, { status: 500, body: errorXml("InternalError", "oops") }];
    expect((await a.write("r.txt", bodyOf(Buffer.from("a")), { size: 1 })).etag).toBe("0cc175b9c0f1b6a831c399e269772661");
    expect(seen).toHaveLength(3);

    const cases: Array<[number, string, string]> = [
      [404, "NoSuchBucket", "NotFound"],
      [403, "SignatureDoesNotMatch", "Unauthorized"],
      [403, "AccessDenied", "Unauthorized"],
      [403, "InvalidAccessKeyId", "Unauthorized"],
      [400, "InvalidArgument", "Provider"],
      [412, "PreconditionFailed", "Conflict"],
    ];
    for (const [status, code, kind] of cases) {
      script = [{ status, body: errorXml(code, `the message about ${SECRET}`) }];
      const e = (await a.write("e.txt", bodyOf(Buffer.from("a")), { size: 1 }).then(
        () => ({ code: "none", message: "" }),
        (x: unknown) => x,
      )) as { code: string; message: string };
      expect(e.code, code).toBe(kind);
      expect(e.message).toContain('"e.txt"');
      expect(e.message).not.toContain(SECRET);
    }
    script = Array.from({ length: 3 }, () => ({ status: 503, body: errorXml("SlowDown", "slow down") }));
    await expect(a.write("e.txt", bodyOf(Buffer.from("a")), { size: 1 })).rejects.toMatchObject({ code: "Transient" });
    script = [];
    await a.close();
  });
});
