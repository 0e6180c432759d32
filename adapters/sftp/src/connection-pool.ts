import { isFerryError } from "@ferry/core";
import type { SftpConnection } from "./connection.js";

/**
 * A few SSH connections, opened on first use and shared: an operation takes the least busy
 * live connection, and a new one is opened while all are busy and the limit allows. SSH
 * handshakes are slow, so connections live until `close()`; dead ones are dropped and replaced.
 * Failures that no retry can fix (bad credentials, refused host key) are remembered so later
 * operations fail fast instead of handshaking again.
 */
export class ConnectionPool {
  private readonly live: SftpConnection[] = [];
  private readonly opening = new Set<Promise<SftpConnection>>();
  private fatal: unknown;
  private closed = false;

  constructor(
    private readonly open: (signal?: AbortSignal) => Promise<SftpConnection>,
    private readonly max: number,
  ) {}

  async use<T>(task: (connection: SftpConnection) => Promise<T>, signal?: AbortSignal): Promise<T> {
    const lease = await this.lease(signal);
    try {
      return await task(lease.connection);
    } finally {
      lease.release();
    }
  }

  /** A connection for work that outlives one call (a read stream); `release` is idempotent. */
  async lease(signal?: AbortSignal): Promise<{ connection: SftpConnection; release: () => void }> {
    const connection = await this.acquire(signal);
    connection.active++;
    let released = false;
    return {
      connection,
      release: () => {
        if (released) return;
        released = true;
        connection.active--;
      },
    };
  }

  private async acquire(signal?: AbortSignal): Promise<SftpConnection> {
    if (this.closed) throw new Error("the SFTP connection pool is closed");
    if (this.fatal) throw this.fatal;
    for (let i = this.live.length - 1; i >= 0; i--) if (this.live[i]!.closed) this.live.splice(i, 1);
    const idle = this.live.reduce<SftpConnection | undefined>((best, c) => (!best || c.active < best.active ? c : best), undefined);
    if (idle && (idle.active === 0 || this.live.length + this.opening.size >= this.max)) return idle;
    if (this.live.length + this.opening.size >= this.max) {
      // every slot is still handshaking: share the first one to finish
      return Promise.race(this.opening);
    }
    const pending = this.open(signal);
    this.opening.add(pending);
    try {
      const connection = await pending;
      if (this.closed) {
        connection.end();
        throw new Error("the SFTP connection pool is closed");
      }
      this.live.push(connection);
      return connection;
    } catch (e) {
      if (isFerryError(e) && (e.code === "Unauthorized" || e.code === "Usage")) this.fatal = e;
      throw e;
    } finally {
      this.opening.delete(pending);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled(this.opening);
    for (const c of this.live.splice(0)) c.end();
  }
}
