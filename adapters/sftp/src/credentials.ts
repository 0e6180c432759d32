import fs from "node:fs";
import ssh2 from "ssh2";
import type { AgentAuthMethod, PasswordAuthMethod, PublicKeyAuthMethod } from "ssh2";
import { FerryError } from "@ferry/core";
import { ADAPTER_NAME } from "./errors.js";
import type { SftpOptions } from "./options.js";

/** One authentication attempt in the order ssh tries them: agent, keys, password. */
export type AuthAttempt = AgentAuthMethod | PublicKeyAuthMethod | PasswordAuthMethod;

export interface Credentials {
  attempts: AuthAttempt[];
  /** what was tried, for error messages (never the secrets themselves) */
  describe: string;
}

/**
 * Collects the configured ways to log in. Key files are read and parsed here so a missing file or
 * a wrong passphrase is a clear error naming the file, not a silent skip inside ssh2.
 */
export function loadCredentials(options: SftpOptions): Credentials {
  const { username } = options;
  const attempts: AuthAttempt[] = [];
  const described: string[] = [];
  if (options.agent) {
    attempts.push({ type: "agent", username, agent: options.agent });
    described.push("ssh-agent");
  }
  const keys: Array<{ key: Buffer; source: string }> = [];
  if (options.privateKey !== undefined) keys.push({ key: Buffer.from(options.privateKey), source: "the given private key" });
  if (options.keyFile) {
    let key: Buffer;
    try {
      key = fs.readFileSync(options.keyFile);
    } catch (e) {
      throw new FerryError("Usage", `cannot read SSH key file ${options.keyFile}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, {
        adapter: ADAPTER_NAME,
        cause: e,
      });
    }
    keys.push({ key, source: `key file ${options.keyFile}` });
  }
  for (const { key, source } of keys) {
    const parsed = ssh2.utils.parseKey(key, options.passphrase);
    if (parsed instanceof Error) {
      const encrypted = /encrypted|passphrase/i.test(parsed.message);
      throw new FerryError("Usage", `cannot use ${source}: ${encrypted ? "it is encrypted and the passphrase is missing or wrong" : "not a supported private key"}`, {
        adapter: ADAPTER_NAME,
        hint: encrypted ? "give the passphrase (--sftp-key-passphrase or FERRY_SFTP_KEY_PASSPHRASE) or load the key into ssh-agent" : undefined,
      });
    }
    attempts.push({ type: "publickey", username, key, ...(options.passphrase ? { passphrase: options.passphrase } : {}) });
    described.push(source);
  }
  if (options.password !== undefined) {
    attempts.push({ type: "password", username, password: options.password });
    described.push("password");
  }
  return { attempts, describe: described.join(", ") || "no credentials" };
}
