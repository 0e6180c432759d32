import { FerryError } from "@ferry/core";
import { describe, expect, it } from "vitest";
import { AzureAdapter } from "./azure-adapter.js";
import { fromUrl, optionsFromUrl } from "./url.js";

const KEY = Buffer.from("not-a-real-key-but-base64-shaped-0123456789").toString("base64");
const CS = `DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=${KEY};EndpointSuffix=core.windows.net`;
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

describe("az:// and azure:// URLs", () => {
  it("az://container/prefix takes the account from the connection string", async () => {
    const o = optionsFromUrl(new URL("az://photos/2024%20trip/"), ctx({}, { AZURE_STORAGE_CONNECTION_STRING: CS }));
    expect(o).toEqual({ container: "photos", prefix: "2024 trip/", connectionString: CS });
    const a = await fromUrl(new URL("az://photos/2024/"), ctx({}, { AZURE_STORAGE_CONNECTION_STRING: CS }));
    expect(a).toBeInstanceOf(AzureAdapter);
    expect(a.root).toBe("azure://acct/photos/2024/");
    expect(a.identity).toBe("azure:https://acct.blob.core.windows.net");
    expect(a.identity).not.toContain(KEY);
  });

  it("azure://account/container/prefix uses that account's key or SAS", () => {
    const env = { AZURE_STORAGE_ACCOUNT: "other", AZURE_STORAGE_KEY: KEY };
    expect(optionsFromUrl(new URL("azure://other/c/p/"), ctx({}, env))).toMatchObject({ account: "other", container: "c", prefix: "p/", accountKey: KEY });
    // the environment's key belongs to AZURE_STORAGE_ACCOUNT, not to a different account in the URL
    expect(optionsFromUrl(new URL("azure://third/c"), ctx({}, env)).accountKey).toBeUndefined();
    expect(optionsFromUrl(new URL("azure://other/c"), ctx({}, { AZURE_STORAGE_ACCOUNT: "other", AZURE_STORAGE_SAS_TOKEN: "?sv=1&sig=abc" })).sasToken).toBe("?sv=1&sig=abc");
    // a connection string for another account is not used for this one
    expect(optionsFromUrl(new URL("azure://other/c"), ctx({}, { AZURE_STORAGE_CONNECTION_STRING: CS })).connectionString).toBeUndefined();
    expect(optionsFromUrl(new URL("azure://acct/c"), ctx({}, { AZURE_STORAGE_CONNECTION_STRING: CS })).connectionString).toBe(CS);
  });

  it("takes an endpoint for emulators", () => {
    const o = optionsFromUrl(new URL("azure://devstoreaccount1/c"), ctx({ azureEndpoint: "http://127.0.0.1:10000/devstoreaccount1", azureAccountKey: KEY }));
    const a = new AzureAdapter(o);
    expect(a.identity).toBe("azure:http://127.0.0.1:10000/devstoreaccount1");
  });

  it("refuses URLs without a container or account, with credentials, or without any configuration", () => {
    usageError(() => optionsFromUrl(new URL("az:///x"), ctx({}, { AZURE_STORAGE_CONNECTION_STRING: CS })));
    usageError(() => optionsFromUrl(new URL("azure://acct"), ctx()));
    const e = usageError(() => optionsFromUrl(new URL("az://user:hunter2@c/x"), ctx()));
    expect(e.message).not.toContain("hunter2");
    usageError(() => optionsFromUrl(new URL("az://c/x"), ctx()));
  });

  it("never repeats a connection string it cannot parse", () => {
    const e = usageError(() => new AzureAdapter({ container: "c", connectionString: "AccountKey=SECRETSECRET;garbage" }));
    expect(e.message).not.toContain("SECRETSECRET");
  });

  it("a SAS-authenticated adapter does not show the SAS in its root or identity", () => {
    const a = new AzureAdapter({ container: "c", account: "acct", sasToken: "sv=2024&sig=TOPSECRETSIG" });
    expect(a.root).not.toContain("TOPSECRETSIG");
    expect(a.identity).not.toContain("TOPSECRETSIG");
  });
});
