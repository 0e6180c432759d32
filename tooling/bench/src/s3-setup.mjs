// The local→S3 benchmark's surroundings: the Debian tools it compares against (installed when
// missing), the s3rver that tooling/test-servers started, the buckets, and the source tree.
import { execFileSync, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

/** Binaries the benchmark runs, by absolute path (never a pyenv/asdf shim), and their packages. */
export const BINARIES = { rclone: "/usr/bin/rclone", aws: "/usr/bin/aws", time: "/usr/bin/time" };
const PACKAGES = { rclone: "rclone", aws: "awscli", time: "time" };

/** Installs (apt-get, as root) whatever of rclone, awscli and GNU time is missing; returns what is still missing. */
export function ensureTools(log) {
  const missing = Object.keys(BINARIES).filter((k) => !fs.existsSync(BINARIES[k]));
  if (!missing.length) return [];
  const pkgs = missing.map((k) => PACKAGES[k]);
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  if (!isRoot) {
    log(`missing ${pkgs.join(", ")} and not root: install them with apt-get`);
    return missing;
  }
  log(`installing ${pkgs.join(" ")} with apt-get …`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const install = () => spawnSync("apt-get", ["install", "-y", "--no-install-recommends", ...pkgs], { env, stdio: ["ignore", "ignore", "pipe"], encoding: "utf8" });
  if (install().status !== 0) {
    spawnSync("apt-get", ["update"], { env, stdio: "ignore" });
    const r = install();
    if (r.status !== 0) log(`apt-get install ${pkgs.join(" ")} failed: ${(r.stderr ?? "").trim().split("\n").pop()}`);
  }
  return missing.filter((k) => !fs.existsSync(BINARIES[k]));
}

export function versionOf(cmd, args = ["--version"]) {
  try {
    return execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 20_000 })
      .split("\n")
      .find((l) => l.trim())
      ?.trim();
  } catch {
    return undefined;
  }
}

/** The server tooling/test-servers started, or an error saying how to start it. */
export function s3ServerFromEnv(env = process.env) {
  const need = ["FERRY_TEST_S3_ENDPOINT", "FERRY_TEST_S3_ACCESS_KEY_ID", "FERRY_TEST_S3_SECRET_ACCESS_KEY"];
  const unset = need.filter((k) => !env[k]);
  if (unset.length) {
    throw new Error(
      `${unset.join(", ")} not set: run the benchmark under the test servers:\n` +
        "  node tooling/test-servers/bin/with-servers.mjs --only s3 -- node tooling/bench/bin/bench-s3.mjs",
    );
  }
  return {
    endpoint: env.FERRY_TEST_S3_ENDPOINT,
    accessKeyId: env.FERRY_TEST_S3_ACCESS_KEY_ID,
    secretAccessKey: env.FERRY_TEST_S3_SECRET_ACCESS_KEY,
    region: env.FERRY_TEST_S3_REGION || "us-east-1",
  };
}

/**
 * The environment every tool starts from: the caller's, minus anything that would steer a tool
 * (AWS_* including AWS_CA_BUNDLE, which breaks rclone's S3 backend; RCLONE_*; FERRY_*; the
 * NODE_OPTIONS of a test runner), with config files pointed at nothing.
 */
export function baseEnv(workDir) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined || /^(AWS_|RCLONE_|FERRY_|AZURE_)/.test(k) || k === "NODE_OPTIONS") continue;
    env[k] = v;
  }
  return {
    ...env,
    CI: "true",
    AWS_CONFIG_FILE: path.join(workDir, "no-aws-config"),
    AWS_SHARED_CREDENTIALS_FILE: path.join(workDir, "no-aws-credentials"),
    AWS_EC2_METADATA_DISABLED: "true",
    XDG_CONFIG_HOME: path.join(workDir, "no-xdg-config"),
  };
}

/** The aws cli's environment for the server (also used to create buckets). */
export function awsEnv(workDir, server) {
  return {
    ...baseEnv(workDir),
    AWS_ACCESS_KEY_ID: server.accessKeyId,
    AWS_SECRET_ACCESS_KEY: server.secretAccessKey,
    AWS_DEFAULT_REGION: server.region,
    AWS_PAGER: "",
  };
}

/** Creates a bucket (aws s3api, so the benchmark needs nothing but the tools it compares). */
export function createBucket(workDir, server, bucket) {
  const r = spawnSync(BINARIES.aws, ["--endpoint-url", server.endpoint, "s3api", "create-bucket", "--bucket", bucket], {
    env: awsEnv(workDir, server),
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
  if (r.status !== 0 && !/BucketAlreadyOwnedByYou|BucketAlreadyExists/.test(r.stderr)) {
    throw new Error(`could not create bucket ${bucket}: ${r.stderr.trim().split("\n").pop()}`);
  }
}

/** Counts the objects (and bytes) under s3://bucket/prefix/ with the aws cli. */
export function countObjects(workDir, server, bucket, prefix) {
  const out = execFileSync(BINARIES.aws, ["--endpoint-url", server.endpoint, "s3", "ls", `s3://${bucket}/${prefix}`, "--recursive", "--summarize"], {
    env: awsEnv(workDir, server),
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
  });
  return { count: Number(/Total Objects: (\d+)/.exec(out)?.[1]), bytes: Number(/Total Size: (\d+)/.exec(out)?.[1]) };
}

/**
 * The tree of issue 4: `files` × `fileSize` random files in folders of 100, plus one big file.
 * Kept between runs (a marker names its shape); mtimes a day in the past, like data at rest.
 */
export function ensureTree(dir, { files = 2000, fileSize = 4096, bigSize = 32 * 1024 * 1024 } = {}, log = console.error) {
  const shape = JSON.stringify({ files, fileSize, bigSize, v: 1 });
  const marker = path.join(dir, "..", `${path.basename(dir)}.shape`);
  const result = { files: files + (bigSize > 0 ? 1 : 0), bytes: files * fileSize + bigSize };
  if (fs.existsSync(marker) && fs.readFileSync(marker, "utf8") === shape && fs.existsSync(dir)) return result;
  log(`writing the source tree (${files} × ${fileSize} B + ${bigSize} B) in ${dir} …`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const dayAgo = Date.now() / 1000 - 86_400;
  for (let i = 0; i < files; i++) {
    const sub = path.join(dir, `d${String(Math.floor(i / 100)).padStart(2, "0")}`);
    if (i % 100 === 0) fs.mkdirSync(sub, { recursive: true });
    const file = path.join(sub, `f${String(i).padStart(5, "0")}.bin`);
    fs.writeFileSync(file, randomBytes(fileSize));
    fs.utimesSync(file, dayAgo, dayAgo);
  }
  if (bigSize > 0) {
    const big = path.join(dir, "big.bin");
    const fd = fs.openSync(big, "w");
    for (let left = bigSize; left > 0; left -= 1024 * 1024) fs.writeSync(fd, randomBytes(Math.min(left, 1024 * 1024)));
    fs.closeSync(fd);
    fs.utimesSync(big, dayAgo, dayAgo);
  }
  fs.writeFileSync(marker, shape);
  return result;
}
