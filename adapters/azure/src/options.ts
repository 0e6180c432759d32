import type { TokenCredential } from "@azure/identity";
import type { AnonymousCredential, BlobServiceClient, StorageSharedKeyCredential } from "@azure/storage-blob";

const MiB = 1024 * 1024;

/** What BlobServiceClient accepts as a credential: shared key, anonymous (SAS), or a TokenCredential. */
export type AzureCredential = StorageSharedKeyCredential | AnonymousCredential | TokenCredential;

export interface AzureAdapterOptions {
  container: string;
  /** blob name prefix that is the location's root ("site/" or "site") */
  prefix?: string;
  /** a full connection string (account key or SAS), e.g. AZURE_STORAGE_CONNECTION_STRING */
  connectionString?: string;
  /** storage account name; with `accountKey`, `sasToken` or `credential` */
  account?: string;
  accountKey?: string;
  /** a SAS token (with or without the leading "?") */
  sasToken?: string;
  /** any credential BlobServiceClient takes, e.g. from @azure/identity */
  credential?: AzureCredential;
  /**
   * Blob service URL; default `https://<account>.blob.core.windows.net`. For Azurite:
   * `http://127.0.0.1:10000/devstoreaccount1`.
   */
  endpoint?: string;
  /** a ready client; connection settings above are then ignored */
  serviceClient?: BlobServiceClient;
  /** see S3's option: who this location belongs to; derived from the service URL when omitted */
  identity?: string;
  /** list page size (the service's maximum and default is 5,000) — small values test pagination */
  maxPageSize?: number;
  /** write: below this many bytes one Put Blob, above staged blocks (default 8 MiB) */
  multipartThreshold?: number;
  /** write: block size, grown to fit 50,000 blocks (default 8 MiB) */
  multipartChunkSize?: number;
  /** write: blocks staged in parallel per blob (default 4) */
  partConcurrency?: number;
  /** delete: parallel batch requests of up to 256 blobs (default 4) */
  deleteConcurrency?: number;
  /** read: range size when a blob is read as parallel ranges (default 8 MiB) */
  downloadPartSize?: number;
  /** read: parallel ranges per blob above 2 × downloadPartSize; 1 turns it off (default 4) */
  downloadConcurrency?: number;
  /** tries per request, including the first (default 4) */
  maxTries?: number;
  /**
   * Most entries the listing may hold back to restore code-point order when the service lists
   * in UTF-16 order (see ordering.ts); default 100,000.
   */
  reorderLimit?: number;
}

export interface AzureTuning {
  maxPageSize: number;
  multipartThreshold: number;
  multipartChunkSize: number;
  partConcurrency: number;
  deleteConcurrency: number;
  downloadPartSize: number;
  downloadConcurrency: number;
  reorderLimit: number;
}

export const AZURE_LIMITS = {
  maxBlocks: 50_000,
  maxBlockSize: 4000 * MiB,
  maxObjectSize: 50_000 * 4000 * MiB,
  maxPageSize: 5000,
  maxBatch: 256,
} as const;

export function resolveTuning(o: AzureAdapterOptions): AzureTuning {
  const positive = (v: number | undefined, d: number) => (v !== undefined && Number.isFinite(v) && v > 0 ? Math.floor(v) : d);
  return {
    maxPageSize: Math.min(positive(o.maxPageSize, AZURE_LIMITS.maxPageSize), AZURE_LIMITS.maxPageSize),
    multipartThreshold: positive(o.multipartThreshold, 8 * MiB),
    multipartChunkSize: positive(o.multipartChunkSize, 8 * MiB),
    partConcurrency: positive(o.partConcurrency, 4),
    deleteConcurrency: positive(o.deleteConcurrency, 4),
    downloadPartSize: positive(o.downloadPartSize, 8 * MiB),
    downloadConcurrency: positive(o.downloadConcurrency, 4),
    reorderLimit: positive(o.reorderLimit, 100_000),
  };
}

/** Block size for a blob of `size` bytes: the chunk size grown (in whole MiB) to fit 50,000 blocks. */
export function fitBlockSize(size: number | undefined, chunkSize: number): number {
  let block = Math.max(chunkSize, 1);
  if (size !== undefined && Math.ceil(size / block) > AZURE_LIMITS.maxBlocks) {
    block = Math.ceil(size / AZURE_LIMITS.maxBlocks / MiB) * MiB;
  }
  return Math.min(block, AZURE_LIMITS.maxBlockSize);
}
