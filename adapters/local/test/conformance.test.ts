import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runConformance } from "@ferry/adapter-kit";
import { LocalAdapter, local } from "../src/index.js";

async function tempRoot(): Promise<string> {
  return mkdtemp(join(tmpdir(), "ferry-local-conformance-"));
}

async function removeRoot(adapter: unknown): Promise<void> {
  await rm((adapter as LocalAdapter).rootPath, { recursive: true, force: true });
}

// defaults: links followed, no perms, no dirs
runConformance({
  name: "local",
  create: async () => local({ root: await tempRoot(), onWarning: () => {} }),
  cleanup: removeRoot,
});

// every option on: symlinks, permissions and empty directories are declared and checked too
runConformance({
  name: "local (links: copy, perms, dirs)",
  create: async () => local({ root: await tempRoot(), links: "copy", perms: true, dirs: true, onWarning: () => {} }),
  cleanup: removeRoot,
  largeObjectSize: 16 * 1024 * 1024,
});
