/** Everything `sftp()` accepts. Secrets given here are used for authentication only and never printed. */
export interface SftpOptions {
  host: string;
  /** default 22 */
  port?: number;
  username: string;
  /** private key contents (OpenSSH or PEM) */
  privateKey?: string | Buffer;
  /** path of a private key file */
  keyFile?: string;
  /** passphrase of an encrypted private key */
  passphrase?: string;
  password?: string;
  /** ssh-agent socket path (e.g. process.env.SSH_AUTH_SOCK) */
  agent?: string;
  /**
   * known_hosts file to verify the server's host key against. Default: `~/.ssh/known_hosts`
   * and `/etc/ssh/ssh_known_hosts`.
   */
  knownHostsFile?: string;
  /** accept any host key (unsafe: open to man-in-the-middle attacks) */
  insecureHostKey?: boolean;
  /** directory on the server; absolute, or relative to the login directory */
  root: string;
  /** SSH connections kept open and shared by operations (default 4) */
  connections?: number;
  /** symlinks: "follow" lists what they point to (default), "copy" lists them as symlinks */
  links?: "follow" | "copy";
  /** compute md5/sha1/sha256 with `md5sum`-style commands over exec when the server allows it (default true) */
  remoteHash?: boolean;
  /** fsync each written file (fsync@openssh.com) before it is renamed into place (default true) */
  fsync?: boolean;
  /** bytes per SFTP read/write request (default 128 KiB: OpenSSH's limit is just under 256 KiB, larger requests get split) */
  chunkSize?: number;
  /** requests in flight per transfer (default 16) */
  transferConcurrency?: number;
  /** directories listed ahead of a walk (default 4) */
  listConcurrency?: number;
  /**
   * Directories are entries of their own (--dirs): kept when a delete or move empties them.
   * Without it (the default) a directory emptied by a delete or move is removed (`rmdir`, which
   * never removes contents), up to but never including the root, as the local adapter does.
   */
  dirs?: boolean;
  /** handshake timeout in ms (default 20 s) */
  readyTimeout?: number;
}

export const DEFAULTS = {
  port: 22,
  connections: 4,
  chunkSize: 128 * 1024,
  transferConcurrency: 16,
  listConcurrency: 4,
  readyTimeout: 20_000,
} as const;
