import type { FileEntryWithStats, InputAttributes, SFTPWrapper, Stats } from "ssh2";

/** Promise forms of the ssh2 SFTP calls the adapter uses (ssh2 is callback-only). */
export class SftpCalls {
  constructor(readonly sftp: SFTPWrapper) {}

  private call<T>(fn: (cb: (err: Error | null | undefined, value?: T) => void) => void): Promise<T> {
    return new Promise((resolve, reject) => {
      try {
        fn((err, value) => (err ? reject(err) : resolve(value as T)));
      } catch (e) {
        reject(e);
      }
    });
  }

  open(path: string, flags: "r" | "w", attrs?: InputAttributes): Promise<Buffer> {
    return this.call((cb) => this.sftp.open(path, flags, attrs ?? {}, cb));
  }
  close(handle: Buffer): Promise<void> {
    return this.call((cb) => this.sftp.close(handle, cb));
  }
  read(handle: Buffer, buffer: Buffer, offset: number, length: number, position: number): Promise<number> {
    return this.call((cb) => this.sftp.read(handle, buffer, offset, length, position, (err, bytesRead) => cb(err, bytesRead)));
  }
  write(handle: Buffer, buffer: Buffer, position: number): Promise<void> {
    return this.call((cb) => this.sftp.write(handle, buffer, 0, buffer.length, position, (err) => cb(err)));
  }
  fstat(handle: Buffer): Promise<Stats> {
    return this.call((cb) => this.sftp.fstat(handle, cb));
  }
  stat(path: string): Promise<Stats> {
    return this.call((cb) => this.sftp.stat(path, cb));
  }
  lstat(path: string): Promise<Stats> {
    return this.call((cb) => this.sftp.lstat(path, cb));
  }
  readdir(path: string): Promise<FileEntryWithStats[]> {
    return this.call((cb) => this.sftp.readdir(path, cb));
  }
  mkdir(path: string): Promise<void> {
    return this.call((cb) => this.sftp.mkdir(path, (err) => cb(err)));
  }
  rmdir(path: string): Promise<void> {
    return this.call((cb) => this.sftp.rmdir(path, (err) => cb(err)));
  }
  unlink(path: string): Promise<void> {
    return this.call((cb) => this.sftp.unlink(path, (err) => cb(err)));
  }
  readlink(path: string): Promise<string> {
    return this.call((cb) => this.sftp.readlink(path, cb));
  }
  symlink(target: string, linkPath: string): Promise<void> {
    return this.call((cb) => this.sftp.symlink(target, linkPath, (err) => cb(err)));
  }
  realpath(path: string): Promise<string> {
    return this.call((cb) => this.sftp.realpath(path, cb));
  }
  futimes(handle: Buffer, seconds: number): Promise<void> {
    return this.call((cb) => this.sftp.futimes(handle, seconds, seconds, (err) => cb(err)));
  }
  utimes(path: string, seconds: number): Promise<void> {
    return this.call((cb) => this.sftp.utimes(path, seconds, seconds, (err) => cb(err)));
  }
  fchmod(handle: Buffer, mode: number): Promise<void> {
    return this.call((cb) => this.sftp.fchmod(handle, mode, (err) => cb(err)));
  }

  /**
   * Renames over an existing target atomically where the server has posix-rename@openssh.com;
   * plain SFTP v3 rename refuses an existing target, so then the target is removed first.
   */
  async replace(from: string, to: string): Promise<void> {
    try {
      await this.call((cb) => this.sftp.ext_openssh_rename(from, to, (err) => cb(err)));
      return;
    } catch (e) {
      if (!isUnsupportedExtension(e)) throw e;
    }
    try {
      await this.call((cb) => this.sftp.rename(from, to, (err) => cb(err)));
    } catch {
      // most likely "target exists"; not atomic, but the only way on such servers
      await this.unlink(to).catch(() => undefined);
      await this.call((cb) => this.sftp.rename(from, to, (err) => cb(err)));
    }
  }

  /** fsync@openssh.com; false when the server does not offer it. */
  async fsync(handle: Buffer): Promise<boolean> {
    try {
      await this.call((cb) => this.sftp.ext_openssh_fsync(handle, (err) => cb(err)));
      return true;
    } catch (e) {
      if (isUnsupportedExtension(e)) return false;
      throw e;
    }
  }
}

function isUnsupportedExtension(e: unknown): boolean {
  return /does not support this extended request/i.test((e as Error)?.message ?? "");
}
