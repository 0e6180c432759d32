import { FerryError } from "@ferry/core";
import { describe, expect, it } from "vitest";
import { S3Adapter } from "./s3-adapter.js";
import { fromUrl, optionsFromUrl } from "./url.js";

const ctx = (options: Record<string, unknown> = {}, env: Record<string, string | undefined> = {}) => ({ options, env });

function usageError(f: () => unknown): FerryError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(FerryError);
    expect((e as FerryError).code).toBe("Usage");
    return e as FerryError;
  }
  throw new Error("expected a Usage error");
}

describe("s3:// URLs", () => {
  it("takes the bucket from the host and the decoded prefix from the path", () => {
    const o = optionsFromUrl(new URL("s3://my-bucket/some%20dir/%F0%9F%98%80/"), ctx());
    expect(o.bucket).toBe("my-bucket");
    expect(o.prefix).toBe("some dir/😀/");
    expect(optionsFromUrl(new URL("s3://b"), ctx()).prefix).toBe("");
  });

  it("builds an adapter whose root shows the location without credentials", async () => {
    const a = await fromUrl(new URL("s3://b/p"), ctx({ s3AccessKeyId: "AKIAEXAMPLE", s3SecretAccessKey: "s3cr3t-value" }));
    expect(a).toBeInstanceOf(S3Adapter);
    expect(a.root).toBe("s3://b/p/");
    expect(a.identity).toContain("AKIAEXAMPLE");
    expect(a.identity).not.toContain("s3cr3t-value");
    await a.close?.();
  });

  it("refuses credentials in the URL without repeating them", () => {
    const e = usageError(() => optionsFromUrl(new URL("s3://AKIA:topsecret@bucket/x"), ctx()));
    expect(e.message).not.toContain("topsecret");
  });

  it("refuses a URL without a bucket", () => {
    usageError(() => optionsFromUrl(new URL("s3:///x"), ctx()));
  });

  it("reads the endpoint from options, then AWS_ENDPOINT_URL_S3, then AWS_ENDPOINT_URL", () => {
    const env = { AWS_ENDPOINT_URL_S3: "http://s3-specific:9000", AWS_ENDPOINT_URL: "http://generic:9000" };
    expect(optionsFromUrl(new URL("s3://b"), ctx({ s3Endpoint: "http://flag:1" }, env)).endpoint).toBe("http://flag:1");
    expect(optionsFromUrl(new URL("s3://b"), ctx({}, env)).endpoint).toBe("http://s3-specific:9000");
    expect(optionsFromUrl(new URL("s3://b"), ctx({}, { AWS_ENDPOINT_URL: "http://generic:9000" })).endpoint).toBe("http://generic:9000");
    usageError(() => optionsFromUrl(new URL("s3://b"), ctx({ s3Endpoint: "localhost:9000" })));
  });

  it("defaults to path-style with a custom endpoint; s3PathStyle=false turns it off", async () => {
    const on = new S3Adapter(optionsFromUrl(new URL("s3://b"), ctx({ s3Endpoint: "http://127.0.0.1:1" })));
    expect(await on.client.config.forcePathStyle).toBe(true);
    const off = new S3Adapter(optionsFromUrl(new URL("s3://b"), ctx({ s3Endpoint: "http://127.0.0.1:1", s3PathStyle: "false" })));
    expect(await off.client.config.forcePathStyle).toBe(false);
    const aws = new S3Adapter(optionsFromUrl(new URL("s3://b"), ctx({ s3Region: "eu-west-1" })));
    expect(await aws.client.config.forcePathStyle).toBe(false);
    usageError(() => optionsFromUrl(new URL("s3://b"), ctx({ s3PathStyle: "maybe" })));
    await Promise.all([on.close(), off.close(), aws.close()]);
  });

  it("takes region and credentials from the given environment, a profile winning over keys as in the AWS SDK", () => {
    const env = { AWS_REGION: "eu-central-1", AWS_ACCESS_KEY_ID: "AKIAENV", AWS_SECRET_ACCESS_KEY: "envsecret", AWS_SESSION_TOKEN: "tok" };
    const o = optionsFromUrl(new URL("s3://b"), ctx({}, env));
    expect(o.region).toBe("eu-central-1");
    expect(o.credentials).toEqual({ accessKeyId: "AKIAENV", secretAccessKey: "envsecret", sessionToken: "tok" });
    const withProfile = optionsFromUrl(new URL("s3://b"), ctx({}, { ...env, AWS_PROFILE: "work" }));
    expect(withProfile.profile).toBe("work");
    expect(withProfile.credentials).toBeUndefined();
    expect(optionsFromUrl(new URL("s3://b"), ctx({ s3Region: "us-west-2" }, env)).region).toBe("us-west-2");
  });

  it("needs both halves of explicit keys", () => {
    usageError(() => optionsFromUrl(new URL("s3://b"), ctx({ s3AccessKeyId: "AKIA" })));
  });

  it("gives two locations on one endpoint and key the same identity, and different keys different ones", async () => {
    const creds = { s3Endpoint: "http://127.0.0.1:9000", s3AccessKeyId: "K1", s3SecretAccessKey: "secret-1" };
    const a = new S3Adapter(optionsFromUrl(new URL("s3://one/x/"), ctx(creds)));
    const b = new S3Adapter(optionsFromUrl(new URL("s3://two/y/"), ctx({ ...creds, s3Endpoint: "http://127.0.0.1:9000/" })));
    const c = new S3Adapter(optionsFromUrl(new URL("s3://one/x/"), ctx({ ...creds, s3AccessKeyId: "K2" })));
    expect(a.identity).toBe(b.identity);
    expect(a.identity).not.toBe(c.identity);
    await Promise.all([a.close(), b.close(), c.close()]);
  });
});
