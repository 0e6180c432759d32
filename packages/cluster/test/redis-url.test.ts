import { describe, expect, it } from "vitest";
import { DEFAULT_QUEUE_NAME, parseQueueUrl, redactQueueUrl } from "../src/index.js";

describe("queue URLs", () => {
  it("reads host, port, ACL user, password, db and queue name", () => {
    const a = parseQueueUrl("redis://ferry:p%40ss@redis.example:6380/2?queue=nightly");
    expect(a.redis).toMatchObject({ host: "redis.example", port: 6380, db: 2, username: "ferry", password: "p@ss" });
    expect(a.redis.tls).toBeUndefined();
    expect(a.queueName).toBe("nightly");
    expect(a.display).not.toContain("p%40ss");
    expect(a.display).toContain("REDACTED");
  });

  it("defaults: port 6379, db 0, the shared queue", () => {
    const a = parseQueueUrl("redis://127.0.0.1");
    expect(a.redis).toMatchObject({ host: "127.0.0.1", port: 6379, db: 0 });
    expect(a.queueName).toBe(DEFAULT_QUEUE_NAME);
  });

  it("rediss:// turns TLS on with the host as server name", () => {
    const a = parseQueueUrl("rediss://:secret@cache.example:6380");
    expect(a.redis.tls).toEqual({ servername: "cache.example" });
    expect(a.redis.password).toBe("secret");
    expect(a.display).toBe("rediss://:REDACTED@cache.example:6380");
  });

  it("refuses other schemes, bad paths and unknown parameters without echoing the password", () => {
    for (const bad of ["http://u:hunter2@h:1", "redis://u:hunter2@h:1/x", "redis://u:hunter2@h:1?tls=true", "redis://u:hunter2@h:1?queue=a:b"]) {
      let error: unknown;
      try {
        parseQueueUrl(bad);
      } catch (e) {
        error = e;
      }
      expect(error).toMatchObject({ name: "FerryError", code: "Usage" });
      expect(String((error as Error).message)).not.toContain("hunter2");
    }
  });

  it("redacts userinfo even without a scheme", () => {
    expect(redactQueueUrl("user:hunter2@host:6379")).toBe("REDACTED@host:6379");
    expect(redactQueueUrl("redis://user:hunter2@host:6379")).not.toContain("hunter2");
  });
});
