// How each tool of the local→S3 benchmark is invoked against the s3rver: the command, its
// environment, and how to read back how many files it transferred. Every tool runs with its
// defaults (what a user gets), quiet per-file output, and the server's keys in its environment.
import fs from "node:fs";
import path from "node:path";
import { BINARIES, awsEnv, baseEnv } from "./s3-setup.mjs";

export const S3_TOOLS = ["ferry", "rclone", "aws"];

/**
 * @typedef {{ cmd: string, args: string[], env: Record<string, string>, transferred: (out: { stdout: string, stderr: string }) => number | undefined }} ToolRun
 * @param {string} tool
 * @param {{ repo: string, workDir: string, server: { endpoint: string, accessKeyId: string, secretAccessKey: string, region: string }, src: string, bucket: string, prefix: string, nodeArgs?: string[], ferryArgs?: string[] }} o
 * @returns {ToolRun}
 */
export function toolRun(tool, o) {
  const src = o.src.endsWith("/") ? o.src : `${o.src}/`;
  switch (tool) {
    case "ferry":
      return {
        cmd: process.execPath,
        args: [
          ...(o.nodeArgs ?? []),
          path.join(o.repo, "apps", "cli", "dist", "bin.js"),
          "sync",
          src,
          `s3://${o.bucket}/${o.prefix}`,
          "--s3-endpoint",
          o.server.endpoint,
          "--only-show-errors",
          "--no-progress",
          ...(o.ferryArgs ?? []),
        ],
        env: {
          ...baseEnv(o.workDir),
          AWS_ACCESS_KEY_ID: o.server.accessKeyId,
          AWS_SECRET_ACCESS_KEY: o.server.secretAccessKey,
          AWS_REGION: o.server.region,
        },
        // the summary block on stderr: "Transferred: 2001 files, 39.8 MiB"
        transferred: ({ stderr }) => num(/Transferred:\s+(\d+) files/.exec(stderr)?.[1]),
      };
    case "rclone": {
      // an on-the-fly remote configured from the environment (`:s3:` + RCLONE_S3_*); no
      // AWS_CA_BUNDLE (baseEnv drops AWS_*): rclone's S3 backend fails while it is set
      const conf = path.join(o.workDir, "rclone.conf");
      if (!fs.existsSync(conf)) fs.writeFileSync(conf, "");
      return {
        cmd: BINARIES.rclone,
        args: ["sync", src, `:s3:${o.bucket}/${o.prefix}`, "--stats-log-level", "NOTICE", "--stats", "1h", "--stats-one-line"],
        env: {
          ...baseEnv(o.workDir),
          RCLONE_CONFIG: conf,
          RCLONE_S3_PROVIDER: "Other",
          RCLONE_S3_ENDPOINT: o.server.endpoint,
          RCLONE_S3_ACCESS_KEY_ID: o.server.accessKeyId,
          RCLONE_S3_SECRET_ACCESS_KEY: o.server.secretAccessKey,
          RCLONE_S3_REGION: o.server.region,
          RCLONE_S3_FORCE_PATH_STYLE: "true",
        },
        // --stats-one-line gives bytes, not file counts: the object count after the run is the
        // check (s3-bench.mjs)
        transferred: () => undefined,
      };
    }
    case "aws":
      return {
        cmd: BINARIES.aws,
        args: ["--endpoint-url", o.server.endpoint, "s3", "sync", src, `s3://${o.bucket}/${o.prefix}`, "--only-show-errors", "--no-progress"],
        env: awsEnv(o.workDir, o.server),
        transferred: () => undefined,
      };
    default:
      throw new Error(`unknown tool ${tool}`);
  }
}

const num = (s) => (s === undefined ? undefined : Number(s));
