import ssh2 from "ssh2";
import type { Client, ClientChannel, ServerHostKeyAlgorithm, SFTPWrapper } from "ssh2";
import { FerryError } from "@ferry/core";
import type { Credentials } from "./credentials.js";
import { ADAPTER_NAME, toSftpError } from "./errors.js";
import type { HostKeyPolicy } from "./host-key-policy.js";

export interface ConnectionSettings {
  host: string;
  port: number;
  username: string;
  credentials: Credentials;
  hostKeys: HostKeyPolicy;
  readyTimeout: number;
}

/** One SSH connection with its SFTP channel. SFTP multiplexes requests, so many operations share it. */
export class SftpConnection {
  /** operations currently using this connection (the pool balances on it) */
  active = 0;
  closed = false;

  constructor(
    readonly client: Client,
    readonly sftp: SFTPWrapper,
  ) {
    const markClosed = () => {
      this.closed = true;
    };
    client.on("close", markClosed);
    client.on("end", markClosed);
    client.on("error", markClosed);
    sftp.on("close", markClosed);
  }

  /** Runs a command over an exec channel; resolves with its exit code and stdout. */
  exec(command: string, signal?: AbortSignal): Promise<{ code: number | null; stdout: string }> {
    return new Promise((resolve, reject) => {
      this.client.exec(command, (err: Error | undefined, stream: ClientChannel) => {
        if (err) return reject(err);
        const out: Buffer[] = [];
        let code: number | null = null;
        const onAbort = () => stream.close();
        signal?.addEventListener("abort", onAbort, { once: true });
        stream.on("data", (d: Buffer) => out.push(d));
        stream.stderr.resume();
        stream.on("exit", (c: number | null) => {
          code = c;
        });
        stream.on("close", () => {
          signal?.removeEventListener("abort", onAbort);
          if (signal?.aborted) reject(signal.reason);
          else resolve({ code, stdout: Buffer.concat(out).toString("utf8") });
        });
      });
    });
  }

  end(): void {
    this.closed = true;
    this.client.end();
  }
}

/**
 * Opens a connection: TCP, host key check, authentication, SFTP subsystem. Failures become
 * FerryErrors that name the server and what was tried, never the secrets.
 */
export function openConnection(settings: ConnectionSettings, signal?: AbortSignal): Promise<SftpConnection> {
  const { host, port, username } = settings;
  const where = `${username}@${host}:${port}`;
  return new Promise((resolve, reject) => {
    const client = new ssh2.Client();
    let hostKeyRejection: FerryError | undefined;
    let settled = false;
    const fail = (e: unknown) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener("abort", onAbort);
      client.end();
      reject(explain(e));
    };
    const explain = (e: unknown): FerryError => {
      if (hostKeyRejection) return hostKeyRejection;
      if (signal?.aborted) return toSftpError(signal.reason);
      if ((e as { level?: unknown })?.level === "client-authentication") {
        return new FerryError("Unauthorized", `SSH authentication failed for ${where} (tried: ${settings.credentials.describe})`, {
          adapter: ADAPTER_NAME,
          cause: e,
          hint: "check the user name and --sftp-key-file / password / ssh-agent",
        });
      }
      const mapped = toSftpError(e, { operation: `connect to ${host}:${port}` });
      return mapped;
    };
    const onAbort = () => fail(signal?.reason);
    signal?.addEventListener("abort", onAbort, { once: true });

    client.once("ready", () => {
      client.sftp((err, sftp) => {
        if (err) return fail(err);
        if (settled) return void client.end();
        settled = true;
        signal?.removeEventListener("abort", onAbort);
        client.removeListener("error", fail);
        client.on("error", () => undefined); // later errors surface through the operations that hit them
        resolve(new SftpConnection(client, sftp));
      });
    });
    // SFTP is request/response: Nagle's algorithm plus delayed ACKs would add ~40 ms to each call
    client.once("connect", () => client.setNoDelay(true));
    client.on("error", fail);
    client.once("close", () => fail(new Error("connection closed during handshake")));

    const preferred = settings.hostKeys.preferredAlgorithms() as ServerHostKeyAlgorithm[];
    try {
      client.connect({
        host,
        port,
        username,
        readyTimeout: settings.readyTimeout,
        keepaliveInterval: 15_000,
        keepaliveCountMax: 4,
        authHandler: settings.credentials.attempts,
        hostVerifier: (key: Buffer) => {
          hostKeyRejection = settings.hostKeys.check(key);
          return hostKeyRejection === undefined;
        },
        ...(preferred.length ? { algorithms: { serverHostKey: { remove: preferred, prepend: preferred, append: [] } } } : {}),
      });
    } catch (e) {
      fail(e);
    }
  });
}
