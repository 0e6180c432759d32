import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const created: string[] = [];

/** Removes every folder makeTree/tempDir made (call in afterAll). */
export function removeTempDirs(): void {
  for (const dir of created.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

/** A local tree of `count` small files spread over folders; bodies differ in size and content. */
export function makeTree(count: number, options: { minSize?: number; maxSize?: number; dir?: string } = {}): string {
  const root = options.dir ?? tempDir("ferry-cluster-src-");
  const min = options.minSize ?? 1;
  const max = options.maxSize ?? 2048;
  for (let i = 0; i < count; i++) {
    const folder = path.join(root, `d${String(i % 40).padStart(2, "0")}`);
    fs.mkdirSync(folder, { recursive: true });
    const size = min + ((i * 7919) % (max - min + 1));
    const seed = createHash("sha256").update(String(i)).digest("hex");
    fs.writeFileSync(path.join(folder, `f${String(i).padStart(6, "0")}.txt`), seed.repeat(Math.ceil(size / 64)).slice(0, size));
  }
  return root;
}

export function tempDir(prefix = "ferry-cluster-"): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  created.push(dir);
  return dir;
}
