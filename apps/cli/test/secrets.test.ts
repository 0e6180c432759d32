import { describe, expect, it } from "vitest";
import { formatError } from "../src/errors.js";
import { redactUrlCredentials, SecretScrubber, scrubberFromEnv } from "../src/secrets.js";
import { FerryError } from "@ferry/core";

describe("secret scrubber", () => {
  it("redacts URL userinfo and secret query parameters", () => {
    expect(redactUrlCredentials("webdavs://me:pa55word@host/x")).toBe("webdavs://me:***@host/x");
    expect(redactUrlCredentials("https://acct.blob.core.windows.net/c?sv=1&sig=abcDEF%2B&se=2")).toBe("https://acct.blob.core.windows.net/c?sv=1&sig=***&se=2");
    expect(redactUrlCredentials("DefaultEndpointsProtocol=https;AccountName=a;AccountKey=Zm9vYmFy==;")).toContain("AccountKey=***");
  });

  it("removes known values, plain and percent-encoded", () => {
    const s = new SecretScrubber();
    s.add("p@ss/word");
    expect(s.scrub("got p@ss/word and p%40ss%2Fword")).toBe("got *** and ***");
  });

  it("learns secrets from locations and the environment", () => {
    const s = scrubberFromEnv({ FERRY_WEBDAV_PASSWORD: "envsecret", AZURE_STORAGE_CONNECTION_STRING: "AccountKey=abcd1234", PATH: "/usr/bin" });
    s.addFromLocation("sftp://user:hunter2hunter2@host/p");
    expect(s.scrub("envsecret abcd1234 hunter2hunter2 /usr/bin")).toBe("*** *** *** /usr/bin");
  });

  it("treats the sftp key passphrase in the environment as a secret (the adapter reads FERRY_SFTP_KEY_PASSPHRASE itself)", () => {
    const s = scrubberFromEnv({ FERRY_SFTP_KEY_PASSPHRASE: "open-sesame-42" });
    expect(s.scrub("passphrase open-sesame-42 rejected")).toBe("passphrase *** rejected");
  });

  it("keeps secrets out of error lines, even with --debug", () => {
    const s = new SecretScrubber();
    s.add("topsecret");
    const e = new FerryError("Unauthorized", "login as bob:topsecret failed", { hint: "check topsecret", cause: new Error("inner topsecret") });
    const plain = formatError(e, { debug: false, scrubber: s });
    expect(plain).toEqual(["ferry: error: login as bob:*** failed", "hint: check ***"]);
    const debug = formatError(e, { debug: true, scrubber: s }).join("\n");
    expect(debug).not.toContain("topsecret");
    expect(debug).toMatch(/debug: .*at /);
  });
});

describe("location display", () => {
  it("never shows URL credentials", async () => {
    const { parseLocationArg, displayKey } = await import("../src/locations/location-arg.js");
    const loc = parseLocationArg("sftp://me:pa55w0rd@host/dir/");
    expect(loc.display).toBe("sftp://me:***@host/dir");
    expect(displayKey(loc, "a.txt")).toBe("sftp://me:***@host/dir/a.txt");
    expect(displayKey(parseLocationArg("backup:"), "k")).toBe("backup:k");
    expect(displayKey(parseLocationArg("."), "k")).toBe("./k");
  });
});
