import type { HashAlgorithm } from "@ferry/core";
import type { SftpConnection } from "./connection.js";

/** Coreutils commands that hash a file on the server, so --checksum need not download it. */
const COMMANDS: Partial<Record<HashAlgorithm, { command: string; hexLength: number }>> = {
  md5: { command: "md5sum", hexLength: 32 },
  sha1: { command: "sha1sum", hexLength: 40 },
  sha256: { command: "sha256sum", hexLength: 64 },
};

export const REMOTE_HASHES = Object.keys(COMMANDS) as HashAlgorithm[];

/** A POSIX shell word: single quotes, with embedded single quotes closed, escaped and reopened. */
export function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

export type RemoteHashOutcome =
  | { ok: true; digest: string }
  /** `shell: false` means exec itself is unusable here (refused, no such command): stop trying */
  | { ok: false; shell: boolean };

/** Runs `md5sum -- 'path'` (or sha1sum/sha256sum) on the server and parses the digest. */
export async function hashOnServer(connection: SftpConnection, path: string, algorithm: HashAlgorithm, signal?: AbortSignal): Promise<RemoteHashOutcome> {
  const spec = COMMANDS[algorithm];
  if (!spec) return { ok: false, shell: true };
  let result: { code: number | null; stdout: string };
  try {
    result = await connection.exec(`${spec.command} -- ${shellQuote(path)}`, signal);
  } catch {
    signal?.throwIfAborted();
    return { ok: false, shell: false };
  }
  // 126/127: the shell could not run the command at all
  if (result.code === 126 || result.code === 127) return { ok: false, shell: false };
  // coreutils prefixes the line with "\\" when the file name needed escaping
  const line = result.stdout.startsWith("\\") ? result.stdout.slice(1) : result.stdout;
  const digest = line.slice(0, spec.hexLength).toLowerCase();
  if (result.code !== 0 || !new RegExp(`^[0-9a-f]{${spec.hexLength}}$`).test(digest)) return { ok: false, shell: true };
  return { ok: true, digest };
}
