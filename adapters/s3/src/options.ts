import type { S3Client, S3ClientConfig } from "@aws-sdk/client-s3";

const MiB = 1024 * 1024;

export interface S3AdapterOptions {
  bucket: string;
  /** key prefix inside the bucket that is the location's root ("site/" or "site") */
  prefix?: string;
  /** AWS region; default: AWS_REGION / the profile's region, or us-east-1 with a custom endpoint */
  region?: string;
  /** custom endpoint for S3-compatibles (MinIO, R2, s3rver, …) */
  endpoint?: string;
  /** path-style addressing; default true with a custom endpoint, false on AWS */
  forcePathStyle?: boolean;
  /** static credentials or a provider; default: the standard AWS credential chain */
  credentials?: S3ClientConfig["credentials"];
  /** shared-config profile for the standard credential chain */
  profile?: string;
  /** a ready client; endpoint/region/credentials/agent options are then ignored */
  client?: S3Client;
  /**
   * Who this location belongs to, for server-side copy and etag comparison. Derived from the
   * endpoint and access key id (or profile) when omitted; set it when passing `client`.
   */
  identity?: string;
  /** sockets per HTTP(S) agent; at least transfers × part concurrency is useful (default 64) */
  maxSockets?: number;
  /** SDK attempts per request (default 3, the SDK's) */
  maxAttempts?: number;
  /** write: below this many bytes one PutObject, above multipart (default 8 MiB) */
  multipartThreshold?: number;
  /** write: part size, grown to fit 10,000 parts (default 8 MiB) */
  multipartChunkSize?: number;
  /** write/copy: parallel parts per object (default 4) */
  partConcurrency?: number;
  /** read: part size of parallel ranged downloads (default 8 MiB) */
  downloadPartSize?: number;
  /** read: parallel ranges per object above 2 × downloadPartSize; 1 turns it off (default 4) */
  downloadConcurrency?: number;
  /** copy: above this size CopyObject is replaced by UploadPartCopy (default and maximum 5 GiB) */
  multipartCopyThreshold?: number;
  /** ListObjectsV2 page size (default and maximum 1000) */
  pageSize?: number;
  /** parallel DeleteObjects calls of 1,000 keys (default 4) */
  deleteConcurrency?: number;
  /**
   * Whether a single-part etag is the content's MD5 (true on AWS except SSE-KMS/SSE-C objects).
   * Set false for buckets with KMS default encryption so no MD5 is claimed from listings.
   */
  etagIsMd5?: boolean;
  /**
   * write: send single-part PutObjects as hand-signed requests instead of through the SDK
   * (same URL, headers and error mapping, ≈ 5× less CPU per small object). Default true;
   * always off with a caller-supplied `client`, whose middleware we would bypass.
   */
  fastPut?: boolean;
}

/** Transfer tuning after defaults; the client-related options are resolved in client.ts. */
export interface S3Tuning {
  multipartThreshold: number;
  multipartChunkSize: number;
  partConcurrency: number;
  downloadPartSize: number;
  downloadConcurrency: number;
  multipartCopyThreshold: number;
  pageSize: number;
  deleteConcurrency: number;
  etagIsMd5: boolean;
}

/** S3's fixed limits. */
export const S3_LIMITS = {
  maxParts: 10_000,
  minPartSize: 5 * MiB,
  maxPartSize: 5 * 1024 * MiB,
  maxSingleCopy: 5 * 1024 * MiB,
  maxObjectSize: 5 * 1024 * 1024 * MiB,
  maxDeleteBatch: 1000,
  maxPageSize: 1000,
} as const;

export function resolveTuning(o: S3AdapterOptions): S3Tuning {
  const positive = (v: number | undefined, d: number) => (v !== undefined && Number.isFinite(v) && v > 0 ? Math.floor(v) : d);
  return {
    multipartThreshold: positive(o.multipartThreshold, 8 * MiB),
    multipartChunkSize: positive(o.multipartChunkSize, 8 * MiB),
    partConcurrency: positive(o.partConcurrency, 4),
    downloadPartSize: positive(o.downloadPartSize, 8 * MiB),
    downloadConcurrency: positive(o.downloadConcurrency, 4),
    multipartCopyThreshold: Math.min(positive(o.multipartCopyThreshold, S3_LIMITS.maxSingleCopy), S3_LIMITS.maxSingleCopy),
    pageSize: Math.min(positive(o.pageSize, S3_LIMITS.maxPageSize), S3_LIMITS.maxPageSize),
    deleteConcurrency: positive(o.deleteConcurrency, 4),
    etagIsMd5: o.etagIsMd5 ?? true,
  };
}
