import { createHmac, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { algorithmsForKeyType, fingerprint, hostMatches, knownHostsName, knownKeyTypes, parseKnownHosts, verifyHostKey } from "./known-hosts.js";

/** An SSH wire-format public key blob: string type, then some key bytes. */
function blob(type: string, seed: string): Buffer {
  const t = Buffer.from(type);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(t.length);
  return Buffer.concat([len, t, Buffer.from(seed.padEnd(32, "."))]);
}

function hashed(name: string): string {
  const salt = randomBytes(20);
  return `|1|${salt.toString("base64")}|${createHmac("sha1", salt).update(name).digest("base64")}`;
}

const KEY = blob("ssh-ed25519", "the real key");
const OTHER = blob("ssh-ed25519", "an impostor");
const line = (patterns: string, key = KEY) => `${patterns} ssh-ed25519 ${key.toString("base64")} comment here`;

describe("known_hosts", () => {
  it("names non-standard ports as [host]:port", () => {
    expect(knownHostsName("example.org", 22)).toBe("example.org");
    expect(knownHostsName("127.0.0.1", 2222)).toBe("[127.0.0.1]:2222");
  });

  it("matches plain, wildcard, negated and bracketed patterns", () => {
    expect(hostMatches("example.org,other.org", "other.org")).toBe(true);
    expect(hostMatches("*.example.org", "a.example.org")).toBe(true);
    expect(hostMatches("*.example.org,!bad.example.org", "bad.example.org")).toBe(false);
    expect(hostMatches("host?", "host1")).toBe(true);
    expect(hostMatches("[127.0.0.1]:2222", "[127.0.0.1]:2222")).toBe(true);
    // a plain host pattern does not cover a non-standard port
    expect(hostMatches("127.0.0.1", "[127.0.0.1]:2222")).toBe(false);
    expect(hostMatches("Example.ORG", "example.org")).toBe(true);
  });

  it("matches hashed (|1|salt|hmac) host names", () => {
    const name = "[127.0.0.1]:2222";
    expect(hostMatches(hashed(name), name)).toBe(true);
    expect(hostMatches(hashed(name), "[127.0.0.1]:2223")).toBe(false);
  });

  it("trusts the known key, refuses a different one as a mismatch, and an unlisted host as unknown", () => {
    const name = "[127.0.0.1]:2222";
    const entries = parseKnownHosts(["# comment", "", line(hashed(name)), line("other.host", OTHER)].join("\n"));
    expect(verifyHostKey(entries, name, KEY)).toEqual({ status: "trusted" });
    expect(verifyHostKey(entries, name, OTHER)).toEqual({ status: "mismatch", knownTypes: ["ssh-ed25519"] });
    expect(verifyHostKey(entries, "[127.0.0.1]:9", KEY)).toEqual({ status: "unknown" });
  });

  it("honours @revoked and ignores @cert-authority lines", () => {
    const name = "example.org";
    const entries = parseKnownHosts([`@revoked ${line("*")}`, line(name), `@cert-authority ${line("*", OTHER)}`].join("\n"));
    expect(verifyHostKey(entries, name, KEY)).toEqual({ status: "revoked" });
    expect(verifyHostKey(entries, name, OTHER)).toEqual({ status: "mismatch", knownTypes: ["ssh-ed25519"] });
  });

  it("asks for the algorithms of the key types it knows", () => {
    const entries = parseKnownHosts([line("a"), `a ssh-rsa ${KEY.toString("base64")}`].join("\n"));
    expect(knownKeyTypes(entries, "a")).toEqual(["ssh-ed25519", "ssh-rsa"]);
    expect(algorithmsForKeyType("ssh-rsa")).toEqual(["rsa-sha2-512", "rsa-sha2-256", "ssh-rsa"]);
    expect(algorithmsForKeyType("sk-ssh-ed25519@openssh.com")).toEqual([]);
  });

  it("prints fingerprints the way ssh does", () => {
    expect(fingerprint(KEY)).toMatch(/^ssh-ed25519 SHA256:[A-Za-z0-9+/]{43}$/);
  });
});
