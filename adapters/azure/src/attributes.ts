import type { BlobHTTPHeaders } from "@azure/storage-blob";
import { FerryError, MTIME_METADATA_KEY, decodeMtimeMetadata, encodeMtimeMetadata, type WriteMeta } from "@ferry/core";

/**
 * SPEC §7 attributes ↔ Azure blob headers, metadata and tier.
 *
 * Azure metadata names must be C# identifiers (letters, digits, `_`, not starting with a
 * digit); names from other stores often are not (`build-id`). Such a name is stored the way
 * AzCopy's "RenameIfInvalid" does it — the value under `rename_<name with _ for each invalid
 * character>` and the original name under `rename_key_<same>` — and restored on reading, so
 * metadata round-trips unchanged through Azure and stays readable to other tools.
 */

export const ACCESS_TIERS = ["Hot", "Cool", "Cold", "Archive"] as const;
const METADATA_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const METADATA_VALUE = /^[\x20-\x7e]*$/;

const RENAMED = "rename_";
const RENAMED_KEY = "rename_key_";

/** Metadata as Azure can store it (see above); throws Usage for what cannot be stored. */
export function encodeMetadata(metadata: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  const usage = (message: string) => new FerryError("Usage", `azure: ${message}`, { adapter: "azure" });
  for (const [name, value] of Object.entries(metadata)) {
    if (!METADATA_VALUE.test(value)) throw usage(`metadata value of ${JSON.stringify(name)} must be printable ASCII`);
    if (METADATA_NAME.test(name) && !name.toLowerCase().startsWith(RENAMED)) {
      out[name] = value;
      continue;
    }
    if (!METADATA_VALUE.test(name) || name.length === 0) throw usage(`metadata name ${JSON.stringify(name)} must be printable ASCII`);
    const safe = name.replace(/[^A-Za-z0-9_]/g, "_");
    if (out[RENAMED + safe] !== undefined) throw usage(`metadata names ${JSON.stringify(out[RENAMED_KEY + safe])} and ${JSON.stringify(name)} collide on Azure`);
    out[RENAMED + safe] = value;
    out[RENAMED_KEY + safe] = name;
  }
  return out;
}

/** The metadata as it was given to encodeMetadata. */
export function decodeMetadata(stored: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  const lower = new Map(Object.keys(stored).map((k) => [k.toLowerCase(), k]));
  for (const [name, value] of Object.entries(stored)) {
    const l = name.toLowerCase();
    if (l.startsWith(RENAMED_KEY)) {
      const valueName = lower.get(RENAMED + l.slice(RENAMED_KEY.length));
      if (valueName !== undefined) {
        out[value] = stored[valueName]!;
        continue;
      }
    } else if (l.startsWith(RENAMED) && lower.has(RENAMED_KEY + l.slice(RENAMED.length))) {
      continue;
    }
    out[name] = value;
  }
  return out;
}

export function checkAzureWriteMeta(meta: WriteMeta): void {
  const unsupported = (option: string, why: string) => new FerryError("Unsupported", `azure: ${option} is not supported: ${why}`, { adapter: "azure" });
  if (meta.storageClass !== undefined) throw unsupported("--storage-class", "storage classes are S3's; use --access-tier (Hot, Cool, Cold, Archive)");
  if (meta.sse !== undefined || meta.sseKmsKeyId !== undefined) {
    throw unsupported("--sse/--sse-kms-key-id", "Azure encrypts every blob at rest; customer-managed keys are set on the account");
  }
  if (meta.acl !== undefined) throw unsupported("--acl", "Azure controls access per container and account, not per blob");
  if (meta.symlinkTarget !== undefined) throw unsupported("symlinks", "Azure Blob cannot store a symlink as a symlink");
  const usage = (message: string) => new FerryError("Usage", `azure: ${message}`, { adapter: "azure" });
  if (meta.accessTier !== undefined && !(ACCESS_TIERS as readonly string[]).includes(normalizeTier(meta.accessTier))) {
    throw usage(`unknown --access-tier ${JSON.stringify(meta.accessTier)} (one of ${ACCESS_TIERS.join(", ")})`);
  }
  encodeMetadata(meta.metadata ?? {});
}

/** "cool" → "Cool": tiers are case-insensitive for users, not for the service. */
export function normalizeTier(tier: string): string {
  return tier.length === 0 ? tier : tier[0]!.toUpperCase() + tier.slice(1).toLowerCase();
}

export interface BlobAttributes {
  headers: BlobHTTPHeaders;
  metadata: Record<string, string>;
  tier?: string;
}

export function toBlobAttributes(meta: WriteMeta): BlobAttributes {
  const headers: BlobHTTPHeaders = {};
  if (meta.contentType !== undefined) headers.blobContentType = meta.contentType;
  if (meta.cacheControl !== undefined) headers.blobCacheControl = meta.cacheControl;
  if (meta.contentDisposition !== undefined) headers.blobContentDisposition = meta.contentDisposition;
  const metadata = encodeMetadata(meta.metadata ?? {});
  if (meta.mtime !== undefined && Number.isFinite(meta.mtime)) metadata[MTIME_METADATA_KEY] = encodeMtimeMetadata(meta.mtime);
  return { headers, metadata, ...(meta.accessTier !== undefined ? { tier: normalizeTier(meta.accessTier) } : {}) };
}

/** Splits blob metadata into the kept source mtime and the rest. */
export function splitMetadata(metadata: Record<string, string> | undefined): { mtime: number | undefined; rest: Record<string, string> | undefined } {
  if (!metadata) return { mtime: undefined, rest: undefined };
  const rest: Record<string, string> = {};
  let mtime: number | undefined;
  for (const [k, v] of Object.entries(metadata)) {
    if (k.toLowerCase() === MTIME_METADATA_KEY) mtime = decodeMtimeMetadata(v);
    else rest[k] = v;
  }
  const decoded = decodeMetadata(rest);
  return { mtime, rest: Object.keys(decoded).length > 0 ? decoded : undefined };
}

export function md5Hex(md5: Uint8Array | undefined): string | undefined {
  return md5 && md5.length === 16 ? Buffer.from(md5).toString("hex") : undefined;
}
