import { randomBytes } from "node:crypto";
import fs from "node:fs";
import fsp from "node:fs/promises";
import path from "node:path";
import { type NextStateSink, type StateRecord, compareKeys } from "@ferry/core";
import { type StateHeader, decodeHeader, decodeRecord, encodeHeader, encodeRecord, encodedLine } from "./state-codec.js";

// well under V8's large-object size: bigger chunks are allocated as large objects that only a
// full GC frees, which for a 100k-key state cost ~25 MB of peak RSS for nothing
const READ_CHUNK = 32 * 1024;
const WRITE_BATCH = 32 * 1024;

/** Lines of a UTF-8 file, streamed: memory is one chunk whatever the file's size. */
async function* fileLines(file: string): AsyncGenerator<string> {
  const stream = fs.createReadStream(file, { encoding: "utf8", highWaterMark: READ_CHUNK });
  let rest = "";
  try {
    for await (const chunk of stream as AsyncIterable<string>) {
      const text = rest + chunk;
      let start = 0;
      for (let nl = text.indexOf("\n"); nl !== -1; nl = text.indexOf("\n", start)) {
        yield text.slice(start, nl);
        start = nl + 1;
      }
      rest = text.slice(start);
    }
    if (rest) yield rest;
  } finally {
    stream.destroy();
  }
}

export interface SavedState {
  header: StateHeader;
  /** true when the file was written with the sides the other way round */
  swapped: boolean;
  /** the records in key order, streamed from disk (each call reads the file afresh) */
  records(): AsyncIterable<StateRecord>;
}

/**
 * Opens the saved state of a pair, or returns undefined when there is none (a first run).
 * Only the header is read here; the records stream from disk during the merge.
 */
export async function loadState(file: string, roots: { src: string; dst: string }): Promise<SavedState | undefined> {
  let first: string | undefined;
  try {
    for await (const line of fileLines(file)) {
      first = line;
      break;
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw e;
  }
  if (first === undefined) return undefined;
  const header = decodeHeader(first, file);
  // the pair is the same whichever way round it is given; the file says which root was "src"
  const swapped = header.roots.src === roots.dst && header.roots.dst === roots.src;
  return {
    header,
    swapped,
    async *records() {
      let n = 0;
      for await (const line of fileLines(file)) {
        if (n++ === 0 || line === "") continue;
        yield decodeRecord(line, swapped, `${file}:${n}`);
      }
    },
  };
}

/**
 * Writes the state a run will have agreed on, as the planner produces it, into a temporary file
 * beside the final one. `commit` (only after a fully successful run) makes it durable and
 * atomically replaces the old state: fsync, rename, fsync of the folder. Until then the old
 * state stays in force, so an interrupted or failed run is simply planned again next time.
 */
export class StateWriter implements NextStateSink {
  private buffer = "";
  private readonly late: StateRecord[] = [];
  private closed = false;

  private constructor(
    readonly file: string,
    private readonly temp: string,
    private readonly handle: fsp.FileHandle,
  ) {}

  static async create(file: string, header: StateHeader): Promise<StateWriter> {
    await fsp.mkdir(path.dirname(file), { recursive: true });
    await removeLeftovers(file);
    const temp = tempName(file);
    const handle = await fsp.open(temp, "wx", 0o600);
    const writer = new StateWriter(file, temp, handle);
    writer.buffer = encodeHeader(header);
    return writer;
  }

  async add(record: StateRecord): Promise<void> {
    this.buffer += encodedLine(record) ?? encodeRecord(record);
    if (this.buffer.length >= WRITE_BATCH) await this.flush();
  }

  addLate(record: StateRecord): void {
    this.late.push(record);
  }

  private async flush(): Promise<void> {
    if (!this.buffer) return;
    const chunk = this.buffer;
    this.buffer = "";
    await this.handle.write(chunk);
  }

  async commit(): Promise<void> {
    await this.flush();
    let final = this.temp;
    if (this.late.length > 0) {
      await this.handle.close();
      this.closed = true;
      final = await this.mergeLate();
    } else {
      await this.handle.sync();
      await this.handle.close();
      this.closed = true;
    }
    await fsp.rename(final, this.file);
    await syncFolder(path.dirname(this.file));
  }

  /** Folds the late records into the sorted stream, into a second temporary file. */
  private async mergeLate(): Promise<string> {
    const late = this.late.sort((x, y) => compareKeys(x.key, y.key));
    const merged = tempName(this.file);
    const out = await fsp.open(merged, "wx", 0o600);
    try {
      let buffer = "";
      const put = async (text: string) => {
        buffer += text;
        if (buffer.length >= WRITE_BATCH) {
          await out.write(buffer);
          buffer = "";
        }
      };
      let i = 0;
      let n = 0;
      for await (const line of fileLines(this.temp)) {
        if (n++ === 0) {
          await put(`${line}\n`);
          continue;
        }
        if (!line) continue;
        const key = (JSON.parse(line) as [string])[0];
        while (i < late.length && compareKeys(late[i]!.key, key) < 0) await put(encodeRecord(late[i++]!));
        // a late record replaces an in-order one for the same key: it was decided later
        if (i < late.length && late[i]!.key === key) await put(encodeRecord(late[i++]!));
        else await put(`${line}\n`);
      }
      while (i < late.length) await put(encodeRecord(late[i++]!));
      if (buffer) await out.write(buffer);
      await out.sync();
    } finally {
      await out.close();
    }
    await fsp.rm(this.temp, { force: true });
    return merged;
  }

  /** Drops what was written: the previous state stays in force. */
  async discard(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      await this.handle.close().catch(() => undefined);
    }
    await fsp.rm(this.temp, { force: true });
  }
}

/**
 * Temporary files of this state left by a killed run. The caller holds the pair's lock, so no
 * live run is writing any of them.
 */
async function removeLeftovers(file: string): Promise<void> {
  const dir = path.dirname(file);
  const prefix = `${path.basename(file)}.tmp-`;
  const names = await fsp.readdir(dir).catch(() => [] as string[]);
  await Promise.all(names.filter((n) => n.startsWith(prefix)).map((n) => fsp.rm(path.join(dir, n), { force: true })));
}

function tempName(file: string): string {
  return `${file}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`;
}

/** Makes a rename durable (POSIX: the directory entry lives in the folder). */
async function syncFolder(dir: string): Promise<void> {
  let handle: fsp.FileHandle | undefined;
  try {
    handle = await fsp.open(dir, "r");
    await handle.sync();
  } catch {
    // some platforms cannot open or fsync a folder; the rename itself is still atomic
  } finally {
    await handle?.close();
  }
}
