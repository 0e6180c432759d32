import { createHash } from "node:crypto";
import type { Adapter, Entry, HashAlgorithm } from "../adapter.js";
import type { Side } from "../actions.js";
import type { EntryDetails } from "../compare/comparator.js";

/**
 * EntryDetails backed by the two adapters: a stat for mtimes a listing lacked, the adapter's
 * hash() or a streamed read for digests. Results are written back onto the entry so the
 * transfer that may follow carries them (e.g. the source mtime to keep).
 */
export function adapterDetails(adapters: Record<Side, Adapter>, signal?: AbortSignal): EntryDetails {
  return {
    async mtime(side: Side, entry: Entry): Promise<number | undefined> {
      if (entry.mtime !== undefined) return entry.mtime;
      const adapter = adapters[side];
      if (adapter.capabilities.mtime === "none") return undefined;
      const full = await adapter.stat(entry.key, { signal });
      if (full) {
        entry.mtime = full.mtime;
        if (full.metadata && !entry.metadata) entry.metadata = full.metadata;
        if (full.contentType && !entry.contentType) entry.contentType = full.contentType;
      }
      return entry.mtime;
    },
    async hash(side: Side, entry: Entry, algorithm: HashAlgorithm): Promise<string | undefined> {
      const known = entry.hashes?.[algorithm];
      if (known) return known;
      const adapter = adapters[side];
      const digest = adapter.hash
        ? await adapter.hash(entry.key, algorithm, { signal })
        : await hashByReading(adapter, entry.key, algorithm, signal);
      entry.hashes = { ...entry.hashes, [algorithm]: digest };
      return digest;
    },
  };
}

export async function hashByReading(adapter: Adapter, key: string, algorithm: HashAlgorithm, signal?: AbortSignal): Promise<string> {
  if (algorithm === "crc32c") {
    throw new Error("crc32c can only come from the adapter");
  }
  const h = createHash(algorithm);
  const body = await adapter.read(key, { signal });
  for await (const chunk of body) h.update(chunk as Buffer);
  return h.digest("hex");
}
