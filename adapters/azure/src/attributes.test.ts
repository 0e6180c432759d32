import { describe, expect, it } from "vitest";
import { checkAzureWriteMeta, decodeMetadata, encodeMetadata, splitMetadata, toBlobAttributes } from "./attributes.js";

describe("Azure metadata names", () => {
  it("stores names that are not C# identifiers as AzCopy does, and restores them", () => {
    const given = { owner: "a", "build-id": "42", "x.y": "z", "9lives": "cat", Mixed_Case: "ok" };
    const stored = encodeMetadata(given);
    for (const name of Object.keys(stored)) expect(name).toMatch(/^[A-Za-z_][A-Za-z0-9_]*$/);
    expect(stored).toMatchObject({ owner: "a", rename_build_id: "42", rename_key_build_id: "build-id", Mixed_Case: "ok" });
    expect(decodeMetadata(stored)).toEqual(given);
  });

  it("survives the service lower-casing names", () => {
    const stored = encodeMetadata({ "Build-Id": "7" });
    const lowered = Object.fromEntries(Object.entries(stored).map(([k, v]) => [k.toLowerCase(), v]));
    expect(decodeMetadata(lowered)).toEqual({ "Build-Id": "7" });
  });

  it("refuses what cannot be stored", () => {
    expect(() => encodeMetadata({ "a-b": "1", "a.b": "2" })).toThrow(expect.objectContaining({ code: "Usage" }));
    expect(() => encodeMetadata({ k: "naïve" })).toThrow(expect.objectContaining({ code: "Usage" }));
    expect(() => encodeMetadata({ "naïve": "v" })).toThrow(expect.objectContaining({ code: "Usage" }));
  });

  it("keeps the mtime apart from user metadata", () => {
    const attrs = toBlobAttributes({ mtime: 1_700_000_000_250, metadata: { "build-id": "1" }, contentType: "text/plain", accessTier: "cool" });
    expect(attrs.metadata.mtime).toBe("1700000000.25");
    expect(attrs.tier).toBe("Cool");
    expect(attrs.headers.blobContentType).toBe("text/plain");
    expect(splitMetadata(attrs.metadata)).toEqual({ mtime: 1_700_000_000_250, rest: { "build-id": "1" } });
  });
});

describe("checkAzureWriteMeta", () => {
  it.each([
    [{ storageClass: "STANDARD" }, "--storage-class"],
    [{ sse: "AES256" }, "--sse"],
    [{ acl: "private" }, "--acl"],
  ])("rejects the S3-only option %j as Unsupported, naming it", (meta, option) => {
    expect(() => checkAzureWriteMeta(meta)).toThrow(expect.objectContaining({ code: "Unsupported", message: expect.stringContaining(option) }));
  });

  it("accepts access tiers in any case and refuses unknown ones", () => {
    expect(() => checkAzureWriteMeta({ accessTier: "archive" })).not.toThrow();
    expect(() => checkAzureWriteMeta({ accessTier: "Glacier" })).toThrow(expect.objectContaining({ code: "Usage" }));
  });
});
