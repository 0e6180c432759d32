import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { FerryError } from "@ferry/core";
import { ADAPTER_NAME } from "./errors.js";
import {
  algorithmsForKeyType,
  fingerprint,
  knownHostsName,
  knownKeyTypes,
  parseKnownHosts,
  verifyHostKey,
  type KnownHostEntry,
} from "./known-hosts.js";

const INSECURE_FLAG = "--sftp-insecure-host-key";

/**
 * Decides whether to trust the key a server presents. Unknown and changed keys are refused with
 * an error that says what to do; accepting any key takes the explicit `insecureHostKey` opt-out.
 */
export class HostKeyPolicy {
  private entries: KnownHostEntry[] | undefined;
  private readonly insecure: boolean;
  readonly files: string[];

  constructor(
    private readonly host: string,
    private readonly port: number,
    options: { knownHostsFile?: string; insecure?: boolean },
  ) {
    this.insecure = options.insecure === true;
    this.files = options.knownHostsFile
      ? [options.knownHostsFile]
      : [path.join(os.homedir(), ".ssh", "known_hosts"), "/etc/ssh/ssh_known_hosts"];
  }

  private get name(): string {
    return knownHostsName(this.host, this.port);
  }

  private load(): KnownHostEntry[] {
    if (this.entries) return this.entries;
    const entries: KnownHostEntry[] = [];
    for (const file of this.files) {
      let text: string;
      try {
        text = fs.readFileSync(file, "utf8");
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "ENOENT") continue;
        throw new FerryError("Usage", `cannot read known_hosts file ${file}: ${(e as Error).message}`, { adapter: ADAPTER_NAME, cause: e });
      }
      entries.push(...parseKnownHosts(text));
    }
    return (this.entries = entries);
  }

  /** Host-key algorithms to ask for first: those whose keys known_hosts has for this host. */
  preferredAlgorithms(): string[] {
    if (this.insecure) return [];
    return knownKeyTypes(this.load(), this.name).flatMap(algorithmsForKeyType);
  }

  /** undefined when the key is acceptable, else the error to fail the connection with. */
  check(keyBlob: Buffer): FerryError | undefined {
    if (this.insecure) return undefined;
    const verdict = verifyHostKey(this.load(), this.name, keyBlob);
    const offered = fingerprint(keyBlob);
    const where = this.files.join(", ");
    switch (verdict.status) {
      case "trusted":
        return undefined;
      case "unknown":
        return new FerryError("Unauthorized", `unknown SSH host key for ${this.name} (${offered}): not found in ${where}`, {
          adapter: ADAPTER_NAME,
          hint: `verify the fingerprint, then add the key (ssh-keyscan -p ${this.port} ${this.host} >> ~/.ssh/known_hosts) or point --sftp-known-hosts at a file that has it; ${INSECURE_FLAG} skips the check (unsafe)`,
        });
      case "mismatch":
        return new FerryError(
          "Unauthorized",
          `SSH host key for ${this.name} does not match ${where}: the server offered ${offered}, known_hosts has a different ${verdict.knownTypes.join("/")} key (possible man-in-the-middle attack)`,
          {
            adapter: ADAPTER_NAME,
            hint: `if the server's key really changed, remove the old entry (ssh-keygen -R "${this.name}") and add the new one; ${INSECURE_FLAG} skips the check (unsafe)`,
          },
        );
      case "revoked":
        return new FerryError("Unauthorized", `SSH host key for ${this.name} (${offered}) is marked @revoked in ${where}`, {
          adapter: ADAPTER_NAME,
        });
    }
  }
}
