import { randomBytes } from "node:crypto";
import fsp from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { FerryError } from "@ferry/core";

/** What a lock file says about its holder. */
interface LockInfo {
  pid: number;
  host: string;
  started: string;
  roots?: { src: string; dst: string };
}

export interface PairLockOptions {
  /** a lock not refreshed for this long is stale (default 10 minutes) */
  staleMs?: number;
  /** how often a held lock is refreshed (default every minute) */
  refreshMs?: number;
  /** written into the lock for people reading it */
  roots?: { src: string; dst: string };
}

export interface PairLock {
  readonly path: string;
  release(): Promise<void>;
}

const DEFAULT_STALE_MS = 10 * 60_000;
const DEFAULT_REFRESH_MS = 60_000;

/**
 * Takes the pair's lock: a file created with O_EXCL holding pid, host and start time, and
 * touched every minute while the run goes on. A second run of the same pair is refused. A
 * lock is stale — and taken over — when its process is gone (same host) or when nobody has
 * touched it for `staleMs` (a crashed run on another host, a frozen machine).
 */
export async function acquirePairLock(file: string, options: PairLockOptions = {}): Promise<PairLock> {
  const staleMs = options.staleMs ?? DEFAULT_STALE_MS;
  await fsp.mkdir(path.dirname(file), { recursive: true });
  const info: LockInfo = {
    pid: process.pid,
    host: os.hostname(),
    started: new Date().toISOString(),
    ...(options.roots ? { roots: options.roots } : {}),
  };
  const content = JSON.stringify(info);
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const handle = await fsp.open(file, "wx", 0o600);
      try {
        await handle.writeFile(content);
      } finally {
        await handle.close();
      }
      return held(file, content, options.refreshMs ?? DEFAULT_REFRESH_MS);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
    const current = await readLock(file);
    if (!current) continue; // released meanwhile: try again
    const stale = staleness(current, staleMs);
    if (!stale) {
      const who = current.info ? `pid ${current.info.pid} on ${current.info.host}, since ${current.info.started}` : "a run that is starting";
      throw new FerryError("Conflict", `another bisync of this pair is running (${who}); refusing to run two at once`, {
        hint: `wait for it to finish; if no such run exists, delete ${file}`,
      });
    }
    await breakLock(file, current.raw);
  }
  throw new FerryError("Conflict", `could not take the bisync lock ${file}: other runs keep taking it`);
}

function held(file: string, content: string, refreshMs: number): PairLock {
  const timer = setInterval(() => {
    const now = new Date();
    fsp.utimes(file, now, now).catch(() => undefined);
  }, refreshMs);
  timer.unref?.();
  let released = false;
  return {
    path: file,
    async release() {
      if (released) return;
      released = true;
      clearInterval(timer);
      // only our own lock is removed: a run that judged ours stale may hold the file now
      const current = await readLock(file);
      if (current?.raw === content) await fsp.rm(file, { force: true });
    },
  };
}

async function readLock(file: string): Promise<{ raw: string; info?: LockInfo; ageMs: number } | undefined> {
  try {
    const [raw, st] = await Promise.all([fsp.readFile(file, "utf8"), fsp.stat(file)]);
    let info: LockInfo | undefined;
    try {
      const parsed = JSON.parse(raw) as Partial<LockInfo>;
      if (typeof parsed.pid === "number" && typeof parsed.host === "string") info = parsed as LockInfo;
    } catch {
      // half-written by a run that is starting right now, or damaged: judged by age alone
    }
    return { raw, ...(info ? { info } : {}), ageMs: Date.now() - st.mtimeMs };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw e;
  }
}

/** Why a lock may be taken over, or undefined while its holder may still be running. */
function staleness(lock: { info?: LockInfo; ageMs: number }, staleMs: number): string | undefined {
  if (lock.info && lock.info.host === os.hostname() && !processAlive(lock.info.pid)) return "its process is gone";
  if (lock.ageMs > staleMs) return `not refreshed for ${Math.round(lock.ageMs / 1000)}s`;
  return undefined;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists but belongs to someone else
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Removes a stale lock without racing another run doing the same: the file is renamed away
 * (only one rename wins) and, if what was renamed is not the lock judged stale — someone took
 * it over in between — it is put back with link(), which fails rather than overwrite.
 */
async function breakLock(file: string, staleRaw: string): Promise<void> {
  const aside = `${file}.stale-${process.pid}-${randomBytes(4).toString("hex")}`;
  try {
    await fsp.rename(file, aside);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return;
    throw e;
  }
  const raw = await fsp.readFile(aside, "utf8").catch(() => staleRaw);
  if (raw !== staleRaw) await fsp.link(aside, file).catch(() => undefined);
  await fsp.rm(aside, { force: true });
}
