import type { ObjectCannedACL, ServerSideEncryption, StorageClass } from "@aws-sdk/client-s3";
import { FerryError, MTIME_METADATA_KEY, encodeMtimeMetadata, decodeMtimeMetadata, type WriteMeta } from "@ferry/core";

/**
 * SPEC §7 object attributes ↔ S3 request fields. Shared by PutObject, CreateMultipartUpload
 * and CopyObject (which must restate every attribute, as it replaces the metadata).
 */
export interface ObjectAttributes {
  ContentType?: string;
  CacheControl?: string;
  ContentDisposition?: string;
  Metadata?: Record<string, string>;
  StorageClass?: StorageClass;
  ServerSideEncryption?: ServerSideEncryption;
  SSEKMSKeyId?: string;
  ACL?: ObjectCannedACL;
}

const CANNED_ACLS = new Set([
  "private",
  "public-read",
  "public-read-write",
  "authenticated-read",
  "aws-exec-read",
  "bucket-owner-read",
  "bucket-owner-full-control",
]);
const SSE_VALUES = new Set(["AES256", "aws:kms", "aws:kms:dsse"]);
// HTTP header token characters: S3 sends user metadata as x-amz-meta-<key> headers
const METADATA_KEY = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;
// S3 stores REST metadata values as US-ASCII
const METADATA_VALUE = /^[\x20-\x7e]*$/;

/** Throws for attributes S3 cannot store or values it would refuse. */
export function checkS3WriteMeta(meta: WriteMeta): void {
  const unsupported = (option: string, why: string) =>
    new FerryError("Unsupported", `s3: ${option} is not supported: ${why}`, { adapter: "s3" });
  if (meta.accessTier !== undefined) throw unsupported("--access-tier", "access tiers are Azure Blob's; use --storage-class on S3");
  if (meta.symlinkTarget !== undefined) throw unsupported("symlinks", "S3 cannot store a symlink as a symlink");
  const usage = (message: string) => new FerryError("Usage", `s3: ${message}`, { adapter: "s3" });
  if (meta.acl !== undefined && !CANNED_ACLS.has(meta.acl)) {
    throw usage(`unknown --acl ${JSON.stringify(meta.acl)} (one of ${[...CANNED_ACLS].join(", ")})`);
  }
  if (meta.sse !== undefined && !SSE_VALUES.has(meta.sse)) {
    throw usage(`unknown --sse ${JSON.stringify(meta.sse)} (one of ${[...SSE_VALUES].join(", ")})`);
  }
  if (meta.sseKmsKeyId !== undefined && meta.sse !== undefined && !meta.sse.startsWith("aws:kms")) {
    throw usage("--sse-kms-key-id needs --sse aws:kms");
  }
  if (meta.storageClass !== undefined && !/^[A-Z0-9_]+$/.test(meta.storageClass)) {
    throw usage(`invalid --storage-class ${JSON.stringify(meta.storageClass)} (e.g. STANDARD, STANDARD_IA, GLACIER_IR)`);
  }
  for (const [k, v] of Object.entries(meta.metadata ?? {})) {
    if (!METADATA_KEY.test(k)) throw usage(`metadata key ${JSON.stringify(k)} is not a valid header name`);
    if (!METADATA_VALUE.test(v)) throw usage(`metadata value of ${JSON.stringify(k)} must be printable ASCII`);
  }
}

/** Request fields for `meta`; the source mtime goes into user metadata `mtime`. */
export function toObjectAttributes(meta: WriteMeta): ObjectAttributes {
  const metadata: Record<string, string> = {};
  // S3 lower-cases metadata keys; doing it here keeps what we send equal to what we read back
  for (const [k, v] of Object.entries(meta.metadata ?? {})) metadata[k.toLowerCase()] = v;
  if (meta.mtime !== undefined && Number.isFinite(meta.mtime)) metadata[MTIME_METADATA_KEY] = encodeMtimeMetadata(meta.mtime);
  const attrs: ObjectAttributes = {};
  if (meta.contentType !== undefined) attrs.ContentType = meta.contentType;
  if (meta.cacheControl !== undefined) attrs.CacheControl = meta.cacheControl;
  if (meta.contentDisposition !== undefined) attrs.ContentDisposition = meta.contentDisposition;
  if (Object.keys(metadata).length > 0) attrs.Metadata = metadata;
  if (meta.storageClass !== undefined) attrs.StorageClass = meta.storageClass as StorageClass;
  if (meta.sse !== undefined) attrs.ServerSideEncryption = meta.sse as ServerSideEncryption;
  if (meta.sseKmsKeyId !== undefined) {
    attrs.SSEKMSKeyId = meta.sseKmsKeyId;
    attrs.ServerSideEncryption ??= "aws:kms";
  }
  if (meta.acl !== undefined) attrs.ACL = meta.acl as ObjectCannedACL;
  return attrs;
}

/** What HeadObject reports, as attributes a copy carries over unless `meta` overrides them. */
export interface StoredAttributes {
  ContentType?: string;
  CacheControl?: string;
  ContentDisposition?: string;
  Metadata?: Record<string, string>;
}

/** Attributes for a copy: the source's, overridden by what the caller asks for. */
export function mergeCopyAttributes(source: StoredAttributes, meta: WriteMeta): ObjectAttributes {
  const requested = toObjectAttributes(meta);
  const metadata = { ...(source.Metadata ?? {}), ...(requested.Metadata ?? {}) };
  const merged: ObjectAttributes = { ...requested };
  const contentType = requested.ContentType ?? source.ContentType;
  const cacheControl = requested.CacheControl ?? source.CacheControl;
  const contentDisposition = requested.ContentDisposition ?? source.ContentDisposition;
  if (contentType !== undefined) merged.ContentType = contentType;
  if (cacheControl !== undefined) merged.CacheControl = cacheControl;
  if (contentDisposition !== undefined) merged.ContentDisposition = contentDisposition;
  if (Object.keys(metadata).length > 0) merged.Metadata = metadata;
  return merged;
}

/** Splits S3 user metadata into the kept source mtime and the rest. */
export function splitMetadata(metadata: Record<string, string> | undefined): { mtime: number | undefined; rest: Record<string, string> | undefined } {
  if (!metadata) return { mtime: undefined, rest: undefined };
  const rest: Record<string, string> = {};
  let mtime: number | undefined;
  for (const [k, v] of Object.entries(metadata)) {
    if (k.toLowerCase() === MTIME_METADATA_KEY) mtime = decodeMtimeMetadata(v);
    else rest[k] = v;
  }
  return { mtime, rest: Object.keys(rest).length > 0 ? rest : undefined };
}
