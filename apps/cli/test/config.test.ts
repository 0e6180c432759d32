import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { defaultConfigPath, loadConfig } from "../src/config/load.js";
import { envReferences, lookupRemote, parseRemoteReference, resolveRemoteSecrets } from "../src/config/remotes.js";
import { SecretScrubber } from "../src/secrets.js";

const write = (content: string) => {
  const dir = mkdtempSync(join(tmpdir(), "ferry-config-"));
  const path = join(dir, "config.json");
  writeFileSync(path, content);
  return path;
};

describe("config file", () => {
  it("lives under XDG_CONFIG_HOME, else ~/.config", () => {
    expect(defaultConfigPath({ XDG_CONFIG_HOME: "/x" })).toBe("/x/ferry/config.json");
    expect(defaultConfigPath({ HOME: "/home/u" })).toBe("/home/u/.config/ferry/config.json");
  });

  it("is optional at the default place but required when named", async () => {
    const env = { XDG_CONFIG_HOME: mkdtempSync(join(tmpdir(), "ferry-none-")) };
    await expect(loadConfig(undefined, env)).resolves.toMatchObject({ exists: false, config: { remotes: {} } });
    await expect(loadConfig("/nonexistent/ferry.json", env)).rejects.toThrow(/cannot read it \(no such file\)/);
  });

  it("validates remotes", async () => {
    const path = write(JSON.stringify({ remotes: { backup: { type: "s3", bucket: "b", endpoint: "http://localhost:9000", prefix: "p/" } } }));
    expect((await loadConfig(path, {})).config.remotes.backup).toMatchObject({ type: "s3", bucket: "b" });
  });

  it("names the first problem in one line", async () => {
    await expect(loadConfig(write("{ not json"), {})).rejects.toThrow(/invalid JSON/);
    await expect(loadConfig(write(JSON.stringify({ remotes: { b: { type: "s3", bucket: "x" } } })), {})).rejects.toThrow(/remote names/);
    await expect(loadConfig(write(JSON.stringify({ remotes: { backup: { type: "s3" } } })), {})).rejects.toThrow(/remotes\.backup\.bucket: Required/);
    await expect(loadConfig(write(JSON.stringify({ remotes: { backup: { type: "ftp" } } })), {})).rejects.toThrow(/remotes\.backup\.type: unknown type; use one of s3, azure/);
    await expect(loadConfig(write(JSON.stringify({ remotes: { backup: { type: "s3", bucket: "b", endpont: "x" } } })), {})).rejects.toThrow(/unknown field "endpont"/);
    await expect(loadConfig(write(JSON.stringify({ remote: {} })), {})).rejects.toThrow(/unknown field "remote"/);
  });
});

describe("named remotes", () => {
  it("parses name:path but not URLs, paths or drive letters", () => {
    expect(parseRemoteReference("backup:photos/2024")).toEqual({ name: "backup", path: "photos/2024" });
    expect(parseRemoteReference("backup:")).toEqual({ name: "backup", path: "" });
    expect(parseRemoteReference("s3://b/p")).toBeUndefined();
    expect(parseRemoteReference("./a:b")).toBeUndefined();
    expect(parseRemoteReference("C:\\dir")).toBeUndefined();
    expect(parseRemoteReference("plain/dir")).toBeUndefined();
  });

  it("lists known remotes when a name is unknown", () => {
    expect(() => lookupRemote({ remotes: { a1: { type: "local", path: "/x" } } }, "/c.json", "nope")).toThrow(/unknown remote "nope"/);
    try {
      lookupRemote({ remotes: { a1: { type: "local", path: "/x" } } }, "/c.json", "nope");
    } catch (e) {
      expect((e as { hint?: string }).hint).toMatch(/known remotes: a1/);
    }
  });

  it("resolves $ENV references at use and registers them as secrets", () => {
    const remote = { type: "s3" as const, bucket: "b", accessKeyId: "$KEY_ID", secretAccessKey: "${SECRET_KEY}", region: "eu-west-1" };
    expect(envReferences(remote)).toEqual([
      { field: "accessKeyId", variable: "KEY_ID" },
      { field: "secretAccessKey", variable: "SECRET_KEY" },
    ]);
    const scrubber = new SecretScrubber();
    const resolved = resolveRemoteSecrets("backup", remote, { KEY_ID: "AKIAEXAMPLE", SECRET_KEY: "s3cr3t-value" }, scrubber);
    expect(resolved).toMatchObject({ accessKeyId: "AKIAEXAMPLE", secretAccessKey: "s3cr3t-value", region: "eu-west-1" });
    expect(scrubber.scrub("key s3cr3t-value id AKIAEXAMPLE")).toBe("key *** id ***");
    expect(() => resolveRemoteSecrets("backup", remote, { KEY_ID: "x" }, scrubber)).toThrow(/secretAccessKey refers to \$SECRET_KEY, which is not set/);
  });

  it("registers literal secret fields too", () => {
    const scrubber = new SecretScrubber();
    resolveRemoteSecrets("dav", { type: "webdav", url: "https://h/dav", user: "me", password: "literal-pass" }, {}, scrubber);
    expect(scrubber.scrub("literal-pass")).toBe("***");
  });
});
