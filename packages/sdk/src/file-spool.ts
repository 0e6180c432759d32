import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import type { Spool, SpoolFactory } from "@ferry/core";

const IN_MEMORY_LIMIT = 10_000;

/**
 * A spool that keeps the first items in memory and spills the rest to an NDJSON file in the
 * temp dir, so a plan with millions of deletes costs disk, not memory.
 */
export function fileSpool(dir: string = os.tmpdir()): SpoolFactory {
  return <T>(name: string): Spool<T> => {
    let head: T[] = [];
    let count = 0;
    let file: string | undefined;
    let out: fs.WriteStream | undefined;
    let folder: string | undefined;

    return {
      async push(item: T) {
        count++;
        if (!out && head.length < IN_MEMORY_LIMIT) {
          head.push(item);
          return;
        }
        if (!out) {
          folder = fs.mkdtempSync(path.join(dir, "ferry-spool-"));
          file = path.join(folder, `${name}.ndjson`);
          out = fs.createWriteStream(file, { highWaterMark: 1 << 20 });
        }
        if (!out.write(`${JSON.stringify(item)}\n`)) await new Promise<void>((r) => out!.once("drain", () => r()));
      },
      async finish() {
        if (out && !out.closed) await new Promise<void>((resolve, reject) => out!.end((e?: Error | null) => (e ? reject(e) : resolve())));
      },
      async *drain() {
        const taken = head;
        head = [];
        yield* taken;
        if (file) {
          const lines = readline.createInterface({ input: fs.createReadStream(file, { highWaterMark: 1 << 20 }), crlfDelay: Infinity });
          for await (const line of lines) if (line) yield JSON.parse(line) as T;
        }
      },
      get count() {
        return count;
      },
      async dispose() {
        head = [];
        out?.destroy();
        if (folder) fs.rmSync(folder, { recursive: true, force: true });
        folder = undefined;
      },
    };
  };
}
