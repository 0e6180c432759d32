import type { Side } from "../actions.js";
import { type Adapter, canCopyServerSide } from "../adapter.js";
import { FerryError } from "../errors.js";

/**
 * --backup-dir / --suffix: whatever would be overwritten or deleted is kept — moved into the
 * backup location (server-side where the adapters can), or renamed in place with the suffix.
 */
export class Backup {
  constructor(
    private readonly adapters: Record<Side, Adapter>,
    private readonly target: Adapter | undefined,
    private readonly suffix: string | undefined,
  ) {
    if (!target && !suffix) throw new FerryError("Usage", "a backup needs --backup-dir or --suffix");
  }

  /** Saves the current version of `key` on `side` before it is replaced or deleted. */
  async save(side: Side, key: string, signal?: AbortSignal): Promise<void> {
    const owner = this.adapters[side];
    const backupKey = this.suffix ? addSuffix(key, this.suffix) : key;
    if (!this.target) {
      // suffix only: rename next to the original
      if (owner.move) return owner.move(key, backupKey, { signal });
      await this.copyAcross(owner, key, owner, backupKey, signal);
      return;
    }
    await this.copyAcross(owner, key, this.target, backupKey, signal);
  }

  private async copyAcross(from: Adapter, key: string, to: Adapter, toKey: string, signal?: AbortSignal): Promise<void> {
    const entry = await from.stat(key, { signal });
    if (!entry) return; // nothing to keep
    const meta = {
      size: entry.size,
      ...(entry.mtime !== undefined ? { mtime: entry.mtime } : {}),
      ...(entry.contentType ? { contentType: entry.contentType } : {}),
      ...(entry.metadata ? { metadata: entry.metadata } : {}),
    };
    if (canCopyServerSide(from, to)) {
      await to.copy!(from, key, toKey, meta, { signal });
      return;
    }
    const body = await from.read(key, { signal });
    await to.write(toKey, body, meta, { signal });
  }
}

/** `a/b.txt` + `.bak` → `a/b.txt.bak` (rclone's --suffix keeps the extension in front). */
export function addSuffix(key: string, suffix: string): string {
  return key + suffix;
}
