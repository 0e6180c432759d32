import { constants } from "node:fs";
import { copyFile, lutimes, open, rename, symlink, unlink, type FileHandle } from "node:fs/promises";
import { join } from "node:path";
import { Writable, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { FerryError } from "@ferry/core";
import { ADAPTER } from "./fs-errors.js";
import { tempNameFor } from "./temp-files.js";

/** Large buffers: fewer write syscalls for big files, no cost for small ones. */
const WRITE_BUFFER = 1024 * 1024;

export interface FileAttributes {
  /** ms since the epoch; may carry a fraction */
  mtime?: number;
  /** permission bits to set (only when the adapter keeps permissions) */
  mode?: number;
  /** flush data to disk before the rename (default true) */
  fsync: boolean;
}

export interface CommitTarget {
  /** directory of the final file (exists, checked inside the root) */
  directory: string;
  /** final file name inside it */
  name: string;
}

function seconds(ms: number): number {
  return ms / 1000;
}

/**
 * Writes into a fresh temp file beside the target and renames it into place only when
 * everything (data, fsync, mode, mtime) succeeded. On any failure or abort the temp file
 * is removed, so the final name holds either the old content or the complete new one.
 */
async function commitThroughTemp(target: CommitTarget, produce: (tempPath: string) => Promise<void>): Promise<void> {
  const tempPath = join(target.directory, tempNameFor(target.name));
  try {
    await produce(tempPath);
    await rename(tempPath, join(target.directory, target.name));
  } catch (e) {
    await unlink(tempPath).catch(() => {});
    throw e;
  }
}

async function writeFully(handle: FileHandle, chunk: Buffer): Promise<void> {
  for (let offset = 0; offset < chunk.length; ) {
    const { bytesWritten } = await handle.write(chunk, offset, chunk.length - offset);
    offset += bytesWritten;
  }
}

/**
 * A Writable over an open FileHandle that leaves the handle open: the caller still has to
 * fsync, chmod and set the mtime through it. (`handle.createWriteStream({ autoClose: false })`
 * keeps a reference that makes `handle.close()` wait forever.) Buffered chunks are written
 * with one writev.
 */
function fileSink(handle: FileHandle, onWritten: (bytes: number) => void): Writable {
  return new Writable({
    highWaterMark: WRITE_BUFFER,
    write(chunk: Buffer, _encoding, done) {
      writeFully(handle, chunk).then(() => {
        onWritten(chunk.length);
        done();
      }, done);
    },
    writev(chunks, done) {
      const buffers = chunks.map((c) => c.chunk as Buffer);
      const total = buffers.reduce((n, b) => n + b.length, 0);
      handle
        .writev(buffers)
        .then(async ({ bytesWritten }) => {
          // a short writev is continued chunk by chunk from where it stopped
          let skip = bytesWritten;
          for (const buffer of buffers) {
            if (skip >= buffer.length) {
              skip -= buffer.length;
              continue;
            }
            await writeFully(handle, buffer.subarray(skip));
            skip = 0;
          }
          onWritten(total);
          done();
        })
        .catch(done);
    },
  });
}

async function finishFile(handle: FileHandle, attributes: FileAttributes): Promise<void> {
  if (attributes.mode !== undefined) await handle.chmod(attributes.mode);
  if (attributes.mtime !== undefined) await handle.utimes(seconds(attributes.mtime), seconds(attributes.mtime));
  if (attributes.fsync) await handle.sync();
}

export interface StreamWriteOptions {
  signal?: AbortSignal;
  onProgress?: (bytes: number) => void;
  /** when known: a body of another length is refused before the rename */
  expectedSize?: number;
}

/** Streams `body` to the target atomically; resolves with the byte count. */
export async function writeStreamAtomically(target: CommitTarget, body: Readable, attributes: FileAttributes, options: StreamWriteOptions): Promise<number> {
  let written = 0;
  await commitThroughTemp(target, async (tempPath) => {
    // "wx": never reuse a name another writer holds
    const handle = await open(tempPath, "wx", attributes.mode ?? 0o666);
    try {
      const sink = fileSink(handle, (bytes) => {
        written += bytes;
        options.onProgress?.(written);
      });
      await pipeline(body, sink, options.signal ? { signal: options.signal } : {});
      if (options.expectedSize !== undefined && written !== options.expectedSize) {
        throw new FerryError("Integrity", `the body had ${written} bytes, expected ${options.expectedSize} (did the source change?)`, { adapter: ADAPTER });
      }
      await finishFile(handle, attributes);
    } finally {
      await handle.close();
    }
  });
  return written;
}

/** Creates a symlink atomically (replacing whatever file or link had the name). */
export async function writeSymlinkAtomically(target: CommitTarget, linkTarget: string, attributes: FileAttributes): Promise<void> {
  await commitThroughTemp(target, async (tempPath) => {
    await symlink(linkTarget, tempPath);
    if (attributes.mtime !== undefined) await lutimes(tempPath, seconds(attributes.mtime), seconds(attributes.mtime));
  });
}

/** Copies a file in the kernel (a reflink where the file system can) and commits it atomically. */
export async function copyFileAtomically(sourcePath: string, target: CommitTarget, attributes: FileAttributes): Promise<void> {
  await commitThroughTemp(target, async (tempPath) => {
    await copyFile(sourcePath, tempPath, constants.COPYFILE_EXCL | constants.COPYFILE_FICLONE);
    const handle = await open(tempPath, "r+");
    try {
      await finishFile(handle, attributes);
    } finally {
      await handle.close();
    }
  });
}
