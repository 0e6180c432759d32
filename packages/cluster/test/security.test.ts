import { randomBytes } from "node:crypto";
import type { FerryEvent } from "@ferry/core";
import { sync } from "@ferry/sdk";
import { Redis } from "ioredis";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { createBucket, redisUrl, s3Server } from "./servers.js";
import { makeTree, removeTempDirs } from "./trees.js";
import { type WorkerProcess, startWorkers } from "./worker-process.js";

/**
 * Secrets and the queue: a password-protected ACL user's password appears nowhere (events,
 * results, errors, worker output), and no credential of any location travels through Redis.
 */

const PASSWORD = `pw-${randomBytes(8).toString("hex")}`;
const USER = `ferry-${randomBytes(3).toString("hex")}`;
let admin: Redis | undefined;
const workers: WorkerProcess[] = [];

function userUrl(password: string, queue: string): string {
  const base = new URL(redisUrl());
  return `redis://${USER}:${password}@${base.host}/0?queue=${queue}`;
}

// per test, not per file: a missing server fails every test by name instead of skipping them
beforeEach(async () => {
  if (admin) return;
  admin = new Redis(redisUrl());
  // the restricted user the README recommends: only the queue's keys, no dangerous commands but INFO
  await admin.call("ACL", "SETUSER", USER, "on", `>${PASSWORD}`, "~ferry:*", "&*", "+@all", "-@dangerous", "+info");
});

afterAll(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  await admin?.call("ACL", "DELUSER", USER).catch(() => {});
  admin?.disconnect();
  removeTempDirs();
});

describe("secrets", () => {
  it("an ACL user's password never appears, and the batches in Redis hold no credential", async () => {
    const s3 = s3Server();
    const queueName = `secure-${randomBytes(3).toString("hex")}`;
    const queue = userUrl(PASSWORD, queueName);
    const bucket = await createBucket(s3);
    const src = makeTree(250);
    const events: FerryEvent[] = [];

    // no worker yet and minWorkers 0: the batches wait in Redis, where we can read them
    const run = sync(src, `s3://${bucket}/secure/`, { queue, env: s3.env, minWorkers: 0, batchKeys: 50, onEvent: (e) => events.push(e) });
    const jobs: string[] = [];
    for (let i = 0; i < 200 && jobs.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      const keys = await admin!.keys(`ferry:${queueName}:r*`);
      for (const key of keys) {
        if ((await admin!.type(key)) !== "hash") continue;
        const data = await admin!.hget(key, "data");
        if (data) jobs.push(data);
      }
    }
    expect(jobs.length).toBeGreaterThan(0);
    for (const data of jobs) {
      expect(data).toContain(`s3://${bucket}/secure/`);
      expect(data).not.toContain(PASSWORD);
      expect(data).not.toContain(s3.env.AWS_SECRET_ACCESS_KEY!);
      expect(data).not.toMatch(/secret|password|credential/i);
    }

    workers.push(...(await startWorkers(2, queue, { env: s3.env })));
    const result = await run;
    expect(result.stats).toMatchObject({ outcome: "success", transferred: 250 });
    const everything = JSON.stringify({ events, result }) + workers.map((w) => JSON.stringify(w.events) + w.stderr()).join("");
    expect(everything).not.toContain(PASSWORD);
    expect(everything).toContain("REDACTED");
  });

  it("a wrong password is refused as Unauthorized without echoing it", async () => {
    const src = makeTree(3);
    let error: (Error & { code?: string }) | undefined;
    try {
      await sync(src, makeTree(0), { queue: userUrl("not-the-password", "nope") });
    } catch (e) {
      error = e as Error & { code?: string };
    }
    expect(error).toMatchObject({ name: "FerryError", code: "Unauthorized" });
    expect(error!.message).toContain("REDACTED");
    expect(error!.message).not.toContain("not-the-password");
  });
});
