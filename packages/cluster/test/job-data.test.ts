import { pathToFileURL } from "node:url";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { decodeJobData, shareableLocation } from "../src/job-data.js";

describe("shareableLocation", () => {
  it("drops passwords and secret parameters instead of sending them", () => {
    expect(shareableLocation("webdav://alice:hunter2@dav.example/files/", "source")).toBe("webdav://alice@dav.example/files/");
    const az = shareableLocation("az://container/p/?sig=abc123&sv=2024", "destination");
    expect(az).not.toContain("abc123");
    expect(az).toContain("sv=2024");
  });

  it("turns paths into absolute file URLs and keeps named remotes", () => {
    expect(shareableLocation("./site", "source")).toBe(pathToFileURL(path.resolve("site")).href);
    expect(shareableLocation("backup:photos/2024", "destination")).toBe("backup:photos/2024");
    expect(shareableLocation("s3://bucket/prefix/", "destination")).toBe("s3://bucket/prefix/");
  });

  it("refuses what workers cannot open", () => {
    expect(() => shareableLocation({ name: "memory" }, "source")).toThrow(/adapter object/);
    expect(() => shareableLocation("mem://scratch/", "source")).toThrow(/memory/);
  });
});

describe("decodeJobData", () => {
  const good = {
    v: 1,
    runId: "r1",
    locations: { src: "file:///a/", dst: "s3://b/" },
    settings: { retry: { retries: 1, baseDelayMs: 1, maxDelayMs: 1 }, transfers: 4 },
    actions: [{ type: "transfer", key: "a.txt", targetKey: "a.txt", from: "src", to: "dst", source: { key: "a.txt", size: 1 }, reason: "new" }],
  };

  it("accepts a well-formed batch", () => {
    expect(decodeJobData(good).actions).toHaveLength(1);
  });

  it("re-checks keys: Redis is a trust boundary", () => {
    const evil = { ...good, actions: [{ ...good.actions[0], targetKey: "../../etc/passwd" }] };
    expect(() => decodeJobData(evil)).toThrow(/\.\./);
  });

  it("names a version mismatch", () => {
    expect(() => decodeJobData({ ...good, v: 99 })).toThrow(/same ferry version/);
  });
});
