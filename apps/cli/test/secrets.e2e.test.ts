import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { assertBuilt, ferry, scratch } from "./binary.js";

const SECRETS = {
  url: "UrlSecret123",
  flag: "FlagSecret456",
  env: "EnvSecret789",
  config: "CfgSecret000",
  aws: "AwsSecretKey111",
  conn: "AzKeySecret222",
};

const MODES: Array<{ name: string; flags: string[] }> = [
  { name: "plain", flags: [] },
  { name: "json", flags: ["--json"] },
  { name: "debug", flags: ["--debug"] },
  { name: "debug json", flags: ["--debug", "--json"] },
  { name: "verbose", flags: ["-v"] },
];

/** Invocations that carry a credential somewhere: URL userinfo, a flag, the env, a config reference. */
function scenarios(dir: string, src: string): Array<{ name: string; args: string[]; env?: Record<string, string> }> {
  const config = join(dir, "config.json");
  writeFileSync(config, JSON.stringify({ remotes: { box: { type: "sftp", host: "127.0.0.1", port: 1, user: "me", password: "$CFG_PASS" } } }));
  const unreachable = ["--retries", "0"];
  return [
    { name: "password in the URL", args: ["sync", src, `sftp://me:${SECRETS.url}@127.0.0.1:1/x`, ...unreachable] },
    { name: "password in a URL of another scheme", args: ["sync", src, `webdav://me:${SECRETS.url}@127.0.0.1:1/dav`, ...unreachable] },
    { name: "password flag", args: ["sync", src, "sftp://me@127.0.0.1:1/x", "--sftp-password", SECRETS.flag, ...unreachable] },
    { name: "password flag with =", args: ["sync", src, "sftp://me@127.0.0.1:1/x", `--sftp-password=${SECRETS.flag}`, ...unreachable] },
    { name: "password from env", args: ["sync", src, "sftp://me@127.0.0.1:1/x", ...unreachable], env: { FERRY_SFTP_PASSWORD: SECRETS.env } },
    { name: "secret in config via $ENV", args: ["sync", src, "box:data", "--config", config, ...unreachable], env: { CFG_PASS: SECRETS.config } },
    { name: "connection string flag", args: ["sync", src, "az://c/p", "--azure-connection-string", `DefaultEndpointsProtocol=http;AccountName=dev;AccountKey=${SECRETS.conn};BlobEndpoint=http://127.0.0.1:1/dev;`, ...unreachable] },
    { name: "usage error next to a URL password", args: ["sync", src, `sftp://me:${SECRETS.url}@127.0.0.1:1/x`, "--transfers", "lots"] },
    { name: "unknown flag next to a password flag", args: ["sync", src, "sftp://me@h/x", "--sftp-password", SECRETS.flag, "--frobnicate"] },
    { name: "successful run with credentials in env", args: ["sync", src, join(dir, "out")], env: { AWS_SECRET_ACCESS_KEY: SECRETS.aws, FERRY_WEBDAV_PASSWORD: SECRETS.env } },
  ];
}

describe("secrets never appear (built binary)", () => {
  beforeAll(() => assertBuilt());

  for (const mode of MODES) {
    it(`in ${mode.name} mode`, () => {
      const s = scratch();
      for (const sc of scenarios(s.dir, s.src)) {
        const r = ferry([...sc.args, ...mode.flags], { cwd: s.dir, ...(sc.env ? { env: sc.env } : {}), timeoutMs: 30_000 });
        const all = `${r.stdout}\n${r.stderr}`;
        expect(r.code, `${sc.name}: killed by the timeout`).not.toBeNull();
        for (const secret of Object.values(SECRETS)) expect(all, `${sc.name} leaked ${secret}:\n${all}`).not.toContain(secret);
      }
    });
  }
});
