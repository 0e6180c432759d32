import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { statfsSync } from "node:fs";
import { createInterface } from "node:readline";

/**
 * Filesystems whose syncfs makes every file's data and metadata durable, as an fsync of each
 * would (statfs f_type, linux/magic.h). Elsewhere — FUSE mounts (sshfs, rclone mount), NFS,
 * SMB — syncfs may only push the page cache to a daemon or server without the flush a
 * per-file fsync asks for, so files there keep their own fsync.
 */
const FULL_SYNCFS = new Set([
  0xef53, // ext2, ext3, ext4
  0x58465342, // xfs
  0x9123683e, // btrfs
  0xf2f52010, // f2fs
  0x2fc12fc1, // zfs
  0x794c7630, // overlayfs (syncs its upper filesystem)
  0x01021994, // tmpfs (nothing to flush)
]);

/** True when a group commit on the filesystem holding `directory` is as durable as per-file fsyncs. */
export function groupCommitSafe(directory: string, statfs: (path: string) => { type: number } = statfsSync): boolean {
  try {
    return FULL_SYNCFS.has(statfs(directory).type);
  } catch {
    return false;
  }
}

/**
 * Flushes one whole filesystem (`syncfs(2)`) on request, for group commits.
 *
 * Node has no `syncfs`, so a small shell started in a directory of that filesystem runs
 * coreutils' `sync -f .` for every line it reads and answers `ok` or `fail`. One shell lives as
 * long as the pool uses it: forking the tiny shell per flush is cheap, forking this process
 * (hundreds of MB of address space) per flush would not be. The shell's cwd pins the
 * filesystem, so no path ever crosses the pipe.
 *
 * Only Linux has `sync -f`; elsewhere, on a filesystem not known to sync fully
 * (groupCommitSafe), or when the shell cannot start or a flush fails, `flush()` resolves false
 * and the caller fsyncs each file instead.
 */
export class FilesystemSync {
  private child: ChildProcessWithoutNullStreams | undefined;
  private readonly waiting: Array<(ok: boolean) => void> = [];
  private broken = process.platform !== "linux";

  constructor(private readonly directory: string) {
    if (!this.broken && !groupCommitSafe(directory)) this.broken = true;
  }

  /** true once the filesystem's dirty data and metadata are on disk, false if that could not be done */
  flush(): Promise<boolean> {
    if (this.broken) return Promise.resolve(false);
    const child = this.child ?? this.start();
    if (!child) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      this.waiting.push(resolve);
      this.hold(true);
      child.stdin.write("\n");
    });
  }

  close(): void {
    this.broken = true;
    this.child?.kill();
    this.child = undefined;
    this.answerAll(false);
  }

  private start(): ChildProcessWithoutNullStreams | undefined {
    let child: ChildProcessWithoutNullStreams;
    try {
      child = spawn("/bin/sh", ["-c", 'while read -r _; do if sync -f .; then echo ok; else echo fail; fi; done'], {
        cwd: this.directory,
        stdio: ["pipe", "pipe", "pipe"],
      });
    } catch {
      this.broken = true;
      return undefined;
    }
    this.child = child;
    child.stderr.resume();
    child.stdin.on("error", () => this.fail());
    child.on("error", () => this.fail());
    child.on("exit", () => this.fail());
    createInterface({ input: child.stdout }).on("line", (line) => {
      const ok = line === "ok";
      if (!ok) this.broken = true;
      this.waiting.shift()?.(ok);
      if (this.waiting.length === 0) this.hold(false);
    });
    this.hold(false);
    return child;
  }

  /** The shell keeps the process alive only while a flush is awaited. */
  private hold(on: boolean): void {
    const child = this.child;
    if (!child) return;
    for (const handle of [child, child.stdout, child.stdin, child.stderr] as Array<{ ref?: () => void; unref?: () => void }>) {
      if (on) handle.ref?.();
      else handle.unref?.();
    }
  }

  private fail(): void {
    this.broken = true;
    this.child = undefined;
    this.answerAll(false);
  }

  private answerAll(ok: boolean): void {
    for (const resolve of this.waiting.splice(0)) resolve(ok);
  }
}
