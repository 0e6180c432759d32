import { randomBytes } from "node:crypto";

const HOW = "run the cluster tests under the test servers: node tooling/test-servers/bin/with-servers.mjs --only redis,s3 -- npx vitest run";

/** A test server's setting; a missing one fails the test (never skips it). */
export function serverEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set — ${HOW}`);
  return value;
}

export interface S3Server {
  endpoint: string;
  /** environment a process needs to reach s3rver with credentials (workers get it; the coordinator passes it as `env`) */
  env: Record<string, string>;
}

export function s3Server(): S3Server {
  const endpoint = serverEnv("FERRY_TEST_S3_ENDPOINT");
  return {
    endpoint,
    env: {
      AWS_ACCESS_KEY_ID: serverEnv("FERRY_TEST_S3_ACCESS_KEY_ID"),
      AWS_SECRET_ACCESS_KEY: serverEnv("FERRY_TEST_S3_SECRET_ACCESS_KEY"),
      AWS_REGION: serverEnv("FERRY_TEST_S3_REGION"),
      AWS_ENDPOINT_URL_S3: endpoint,
    },
  };
}

/** A fresh bucket (s3rver accepts an anonymous CreateBucket). */
export async function createBucket(s3: S3Server, prefix = "cluster"): Promise<string> {
  const name = `${prefix}-${randomBytes(4).toString("hex")}`;
  const res = await fetch(`${s3.endpoint}/${name}`, { method: "PUT" });
  if (!res.ok) throw new Error(`creating bucket ${name} failed: ${res.status} ${await res.text()}`);
  return name;
}

export function redisUrl(): string {
  return serverEnv("FERRY_TEST_REDIS_URL");
}
