import { execFile } from "node:child_process";
import { createServer } from "node:net";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { local } from "../src/index.js";
import { listKeys, makeTree, tempDir, warnings } from "./helpers.js";

describe("special files", () => {
  it("skips fifos and sockets with a warning naming the key", async () => {
    const root = await tempDir();
    await makeTree(root, ["a.txt", "sub/b.txt"]);
    await promisify(execFile)("mkfifo", [`${root}/sub/pipe`]);
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(`${root}/sock`, resolve));
    try {
      const { messages, onWarning } = warnings();
      const adapter = local({ root, onWarning });
      expect(await listKeys(adapter)).toEqual(["a.txt", "sub/b.txt"]);
      expect(messages.map((m) => [m.key, /fifo|socket/.exec(m.message)?.[0]])).toEqual([
        ["sock", "socket"],
        ["sub/pipe", "fifo"],
      ]);
      // stat does not pass a special file off as a key either
      expect(await adapter.stat("sub/pipe")).toBeUndefined();
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("skips a followed symlink to a fifo with a warning", async () => {
    const root = await tempDir();
    await promisify(execFile)("mkfifo", [`${root}/pipe`]);
    const { symlink } = await import("node:fs/promises");
    await symlink("pipe", `${root}/link`);
    const { messages, onWarning } = warnings();
    expect(await listKeys(local({ root, onWarning }))).toEqual([]);
    expect(messages.map((m) => m.key).sort()).toEqual(["link", "pipe"]);
  });
});
