import { randomBytes } from "node:crypto";
import { lstat, opendir, readdir, unlink } from "node:fs/promises";
import { join } from "node:path";

/**
 * Atomic writes go to `.<name>.ferry-tmp-<12 hex>` beside the final file and are renamed
 * into place. Such names are never listed as keys and may not be written as keys. A writer
 * that crashed leaves one behind; it is removed once it has not been touched for
 * STALE_TEMP_MS (a live writer keeps bumping its mtime and ctime as data arrives). Temp files of this
 * process are never swept: they are live writes, and a live write sets its temp file's mtime
 * to the source's (often long ago) just before the rename.
 */
export const STALE_TEMP_MS = 60 * 60 * 1000;

const TEMP_NAME = /^\..*\.ferry-tmp-[0-9a-f]{12}$/s;
/** bytes of the original name kept in a temp name: keeps it under NAME_MAX (255) */
const KEPT_NAME_BYTES = 200;

export function isTempName(name: string): boolean {
  return TEMP_NAME.test(name);
}

/** First 6 of the 12 hex digits of every temp name this process makes. */
const PROCESS_TAG = randomBytes(3).toString("hex");
/**
 * The last 6: a counter from a random start, not fresh random bytes per file (those cost an
 * OpenSSL call each, measurable at 20k files). Names are created exclusively anyway.
 */
let tempCounter = randomBytes(3).readUIntBE(0, 3);

export function tempNameFor(name: string): string {
  let kept = "";
  let bytes = 0;
  for (const ch of name) {
    bytes += Buffer.byteLength(ch);
    if (bytes > KEPT_NAME_BYTES) break;
    kept += ch;
  }
  return `.${kept}.ferry-tmp-${PROCESS_TAG}${nextTempSuffix()}`;
}

function nextTempSuffix(): string {
  tempCounter = (tempCounter + 1) & 0xffffff;
  return tempCounter.toString(16).padStart(6, "0");
}

/** A temp name made by this process: a write in flight (a failed write removes its own). */
function isOwnTempName(name: string): boolean {
  return name.slice(-12, -6) === PROCESS_TAG;
}

/** Removes stale temp files directly in `dir`; returns how many. Errors are ignored: this is housekeeping. */
export async function sweepStaleTempFiles(dir: string, olderThanMs = STALE_TEMP_MS, now = Date.now()): Promise<number> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of names) {
    if (!isTempName(name) || isOwnTempName(name)) continue;
    const path = join(dir, name);
    try {
      const stats = await lstat(path);
      // ctime too: another process's live write stamps its temp file with the source's old
      // mtime just before renaming it, but that very stamp moves ctime to now
      const touched = Math.max(stats.mtimeMs, stats.ctimeMs);
      if (!stats.isDirectory() && now - touched >= olderThanMs) {
        await unlink(path);
        removed++;
      }
    } catch {
      // gone already, or not ours to remove
    }
  }
  return removed;
}

/** The whole-tree pass behind LocalAdapter.cleanupTempFiles (does not follow symlinks). */
export async function sweepStaleTempFilesUnder(root: string, olderThanMs = STALE_TEMP_MS): Promise<number> {
  const now = Date.now();
  let removed = await sweepStaleTempFiles(root, olderThanMs, now);
  const pending = [root];
  while (pending.length > 0) {
    const dir = pending.pop()!;
    let handle;
    try {
      handle = await opendir(dir);
    } catch {
      continue;
    }
    for await (const dirent of handle) {
      if (!dirent.isDirectory()) continue;
      const sub = join(dir, dirent.name);
      removed += await sweepStaleTempFiles(sub, olderThanMs, now);
      pending.push(sub);
    }
  }
  return removed;
}
