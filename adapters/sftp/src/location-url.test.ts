import { describe, expect, it } from "vitest";
import { sftpOptionsFromUrl } from "./location-url.js";

const ctx = (options: Record<string, unknown> = {}, env: Record<string, string | undefined> = {}) => ({ options, env: { SSH_AUTH_SOCK: undefined, ...env } });

describe("sftp URLs", () => {
  it("reads user, host, port and an absolute path", () => {
    const o = sftpOptionsFromUrl(new URL("sftp://alice@files.example.org:2222/srv/data"), ctx({ sftpKeyFile: "/k" }));
    expect(o).toMatchObject({ host: "files.example.org", port: 2222, username: "alice", root: "/srv/data", keyFile: "/k", insecureHostKey: false, links: "follow" });
  });

  it("treats /~/dir and an empty path as relative to the login directory", () => {
    expect(sftpOptionsFromUrl(new URL("sftp://a@h/~/backups"), ctx({ sftpKeyFile: "/k" })).root).toBe("backups");
    expect(sftpOptionsFromUrl(new URL("sftp://a@h"), ctx({ sftpKeyFile: "/k" })).root).toBe(".");
    expect(sftpOptionsFromUrl(new URL("sftp://a@h/"), ctx({ sftpKeyFile: "/k" })).root).toBe("/");
  });

  it("decodes escapes in user, password and path", () => {
    const o = sftpOptionsFromUrl(new URL("sftp://al%40ice:p%3Ass@h/dir%20with%20space"), ctx());
    expect(o).toMatchObject({ username: "al@ice", password: "p:ss", root: "/dir with space" });
  });

  it("takes the password from the environment and the agent from SSH_AUTH_SOCK", () => {
    const o = sftpOptionsFromUrl(new URL("sftp://a@h/x"), ctx({}, { FERRY_SFTP_PASSWORD: "from-env", SSH_AUTH_SOCK: "/run/agent.sock" }));
    expect(o).toMatchObject({ password: "from-env", agent: "/run/agent.sock" });
    expect(sftpOptionsFromUrl(new URL("sftp://a@h/x"), ctx({ sftpAgent: false }, { SSH_AUTH_SOCK: "/s", FERRY_SFTP_PASSWORD: "p" })).agent).toBeUndefined();
  });

  it("maps the host-key and link settings", () => {
    const o = sftpOptionsFromUrl(new URL("sftp://a@h/x"), ctx({ sftpKnownHosts: "/kh", sftpInsecureHostKey: true, links: true, sftpKeyFile: "/k" }));
    expect(o).toMatchObject({ knownHostsFile: "/kh", insecureHostKey: true, links: "copy" });
    expect(sftpOptionsFromUrl(new URL("sftp://a@h/x"), ctx({ sftpKeyFile: "/k" }, { FERRY_SFTP_INSECURE_HOST_KEY: "1" })).insecureHostKey).toBe(true);
  });

  it("refuses other schemes and missing hosts", () => {
    expect(() => sftpOptionsFromUrl(new URL("ftp://h/x"), ctx())).toThrow(/not an sftp URL/);
    expect(() => sftpOptionsFromUrl(new URL("sftp:///x"), ctx())).toThrow(/needs a host/);
  });
});
