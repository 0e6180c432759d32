import { createHash } from "node:crypto";
import type { Readable } from "node:stream";
import { DeleteObjectCommand, HeadBucketCommand, HeadObjectCommand, ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import {
  DEFAULT_CAPABILITIES,
  FerryError,
  canCopyServerSide,
  normalizePrefix,
  validateKey,
  type Adapter,
  type Capabilities,
  type DeleteOutcome,
  type Entry,
  type HashAlgorithm,
  type ListOptions,
  type OperationOptions,
  type ReadOptions,
  type WriteMeta,
  type WriteOptions,
  type WriteResult,
} from "@ferry/core";
import { checkS3WriteMeta, splitMetadata, toObjectAttributes } from "./attributes.js";
import { setupClient, type ClientSetup } from "./client.js";
import { copyObject } from "./copy.js";
import { deleteObjects } from "./delete.js";
import { openObject } from "./download.js";
import { describeSdkError, isConnectionFailure, toS3Error, type S3ErrorContext } from "./errors.js";
import { md5FromEtag, unquoteEtag } from "./etag.js";
import { listObjects } from "./listing.js";
import { S3_LIMITS, resolveTuning, type S3AdapterOptions, type S3Tuning } from "./options.js";
import { SignedPut } from "./signed-put.js";
import { uploadObject } from "./upload.js";

/** rclone's metadata key for the whole-object MD5 of multipart uploads (base64). */
const MD5_METADATA_KEY = "md5chksum";

export const S3_CAPABILITIES: Capabilities = {
  ...DEFAULT_CAPABILITIES,
  // the source mtime lives in user metadata, which ListObjectsV2 does not return
  mtime: "metadata",
  mtimePrecision: 1,
  mtimeInList: false,
  hashes: ["md5"],
  etag: "s3",
  serverSideCopy: true,
  // copy + delete: not atomic, but no bytes travel through ferry
  serverSideMove: true,
  rangeReads: true,
  // an object appears only when PutObject/CompleteMultipartUpload succeeds
  atomicWrites: true,
  emptyDirectories: false,
  caseSensitive: true,
  symlinks: false,
  permissions: false,
  maxObjectSize: S3_LIMITS.maxObjectSize,
  maxPartCount: S3_LIMITS.maxParts,
};

/**
 * An S3 bucket (or a prefix in it) as a ferry location: AWS S3 and S3-compatibles (MinIO, R2,
 * Ceph, s3rver) through `endpoint`.
 */
export class S3Adapter implements Adapter {
  readonly name = "s3";
  readonly root: string;
  readonly capabilities: Capabilities = S3_CAPABILITIES;
  readonly identity: string;
  readonly bucket: string;
  /** the key prefix inside the bucket: "" or ending in "/" */
  readonly prefix: string;
  readonly client: S3Client;
  private readonly setup: ClientSetup;
  private readonly tuning: S3Tuning;
  private readonly signedPut: SignedPut | undefined;

  constructor(options: S3AdapterOptions) {
    if (!options.bucket || options.bucket.includes("/")) {
      throw new FerryError("Usage", `s3: invalid bucket name ${JSON.stringify(options.bucket ?? "")}`, {
        adapter: "s3",
        hint: "locations look like s3://bucket/prefix/",
      });
    }
    this.bucket = options.bucket;
    this.prefix = normalizePrefix(options.prefix);
    this.root = `s3://${this.bucket}/${this.prefix}`;
    this.tuning = resolveTuning(options);
    this.setup = setupClient(options);
    this.client = this.setup.client;
    this.identity = this.setup.identity;
    // small objects skip the SDK's per-request cost; only on our own client, whose agents we know
    this.signedPut = options.fastPut !== false && this.setup.agents ? new SignedPut(this.client, this.setup.agents) : undefined;
  }

  /**
   * The object key in the bucket for a key relative to the location. The core validates keys
   * before adapters see them; checking again here keeps the adapter safe on its own (SDK use).
   */
  objectKey(key: string): string {
    return this.prefix + validateKey(key, "s3");
  }

  private context(operation: string, key?: string, signal?: AbortSignal): S3ErrorContext {
    return {
      bucket: this.bucket,
      operation,
      endpoint: this.setup.endpoint,
      secrets: this.setup.secrets,
      ...(key !== undefined ? { key } : {}),
      ...(signal ? { signal } : {}),
    };
  }

  list(prefix = "", options: ListOptions = {}): AsyncIterable<Entry> {
    return listObjects(
      this.client,
      {
        bucket: this.bucket,
        root: this.prefix,
        prefix,
        ...(options.startAfter !== undefined ? { startAfter: options.startAfter } : {}),
        pageSize: this.tuning.pageSize,
        etagIsMd5: this.tuning.etagIsMd5,
        dirs: options.dirs ?? false,
        ...(options.signal ? { signal: options.signal } : {}),
      },
      { bucket: this.bucket, endpoint: this.setup.endpoint, secrets: this.setup.secrets },
    );
  }

  /**
   * HeadObject. The mtime is the source mtime ferry stored in metadata; objects written by
   * other tools have none, and their LastModified (upload time) stands in — what rclone and
   * `aws s3 sync` compare too, so a first ferry run over such a bucket behaves like theirs.
   */
  async stat(key: string, options: OperationOptions = {}): Promise<Entry | undefined> {
    let head;
    try {
      head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }), { abortSignal: options.signal });
    } catch (e) {
      const mapped = toS3Error(e, this.context("stat", key, options.signal));
      if (mapped.code === "NotFound" && describeSdkError(e).code !== "NoSuchBucket") return undefined;
      throw mapped;
    }
    const { mtime, rest } = splitMetadata(head.Metadata);
    const etag = unquoteEtag(head.ETag);
    const md5 = this.md5Of(etag, rest);
    const metadata = rest ? Object.fromEntries(Object.entries(rest).filter(([k]) => k !== MD5_METADATA_KEY)) : undefined;
    const entry: Entry = { key, size: head.ContentLength ?? 0, type: "file" };
    const uploaded = head.LastModified?.getTime();
    const time = mtime ?? uploaded;
    if (time !== undefined) entry.mtime = time;
    if (uploaded !== undefined) entry.lastModified = uploaded;
    if (etag !== undefined) entry.etag = etag;
    if (md5 !== undefined) entry.hashes = { md5 };
    if (head.ContentType !== undefined) entry.contentType = head.ContentType;
    if (metadata && Object.keys(metadata).length > 0) entry.metadata = metadata;
    return entry;
  }

  private md5Of(etag: string | undefined, metadata: Record<string, string> | undefined): string | undefined {
    const fromEtag = this.tuning.etagIsMd5 ? md5FromEtag(etag) : undefined;
    if (fromEtag) return fromEtag;
    const stored = metadata?.[MD5_METADATA_KEY];
    if (stored && /^[A-Za-z0-9+/]{22}==$/.test(stored)) return Buffer.from(stored, "base64").toString("hex");
    return undefined;
  }

  async read(key: string, options: ReadOptions = {}): Promise<Readable> {
    return openObject(this.client, {
      bucket: this.bucket,
      key: this.objectKey(key),
      ...(options.range ? { range: options.range } : {}),
      partSize: this.tuning.downloadPartSize,
      concurrency: this.tuning.downloadConcurrency,
      ...(options.signal ? { signal: options.signal } : {}),
      errorContext: this.context("read", key, options.signal),
    });
  }

  checkWriteMeta(meta: WriteMeta): void {
    checkS3WriteMeta(meta);
  }

  async write(key: string, body: Readable, meta: WriteMeta, options: WriteOptions = {}): Promise<WriteResult> {
    try {
      this.checkWriteMeta(meta);
      const attributes = toObjectAttributes(meta);
      const knownMd5 = meta.hashes?.md5;
      if (knownMd5 && /^[0-9a-f]{32}$/i.test(knownMd5) && (meta.size === undefined || meta.size >= this.threshold(options))) {
        // multipart etags are not MD5s; keep the caller's MD5 as rclone does, for later checks
        attributes.Metadata = { ...attributes.Metadata, [MD5_METADATA_KEY]: Buffer.from(knownMd5, "hex").toString("base64") };
      }
      const res = await uploadObject(this.client, body, {
        bucket: this.bucket,
        key: this.objectKey(key),
        attributes,
        ...(meta.size !== undefined ? { size: meta.size } : {}),
        threshold: this.threshold(options),
        chunkSize: options.multipartChunkSize ?? this.tuning.multipartChunkSize,
        concurrency: options.partConcurrency ?? this.tuning.partConcurrency,
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
        ...(this.signedPut ? { signedPut: this.signedPut } : {}),
      });
      const etag = unquoteEtag(res.etag);
      const result: WriteResult = { size: res.size };
      if (etag !== undefined) result.etag = etag;
      if (res.md5 !== undefined) result.hashes = { md5: res.md5 };
      if (meta.mtime !== undefined) result.mtime = meta.mtime;
      return result;
    } catch (e) {
      throw toS3Error(e, this.context("write", key, options.signal));
    }
  }

  private threshold(options: WriteOptions): number {
    return options.multipartThreshold ?? this.tuning.multipartThreshold;
  }

  async copy(source: Adapter, sourceKey: string, key: string, meta: WriteMeta, options: WriteOptions = {}): Promise<WriteResult> {
    if (!(source instanceof S3Adapter) || !canCopyServerSide(source, this)) {
      throw new FerryError("Unsupported", `s3: cannot copy server-side from ${source.root} to ${this.root} (different service or account)`, {
        adapter: "s3",
        key,
      });
    }
    try {
      this.checkWriteMeta(meta);
      const res = await copyObject(this.client, {
        source: { bucket: source.bucket, key: source.objectKey(sourceKey) },
        target: { bucket: this.bucket, key: this.objectKey(key) },
        meta,
        multipartThreshold: this.tuning.multipartCopyThreshold,
        chunkSize: options.multipartChunkSize ?? this.tuning.multipartChunkSize,
        concurrency: options.partConcurrency ?? this.tuning.partConcurrency,
        ...(options.signal ? { signal: options.signal } : {}),
      });
      options.onProgress?.(res.size);
      const etag = unquoteEtag(res.etag);
      const result: WriteResult = { size: res.size };
      if (etag !== undefined) result.etag = etag;
      if (meta.mtime !== undefined) result.mtime = meta.mtime;
      return result;
    } catch (e) {
      throw toS3Error(e, this.context("copy", key, options.signal));
    }
  }

  /** Copy, then delete the source: S3 has no rename. */
  async move(fromKey: string, toKey: string, options: OperationOptions = {}): Promise<void> {
    await this.copy(this, fromKey, toKey, {}, options);
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.objectKey(fromKey) }), { abortSignal: options.signal });
    } catch (e) {
      throw toS3Error(e, this.context("delete", fromKey));
    }
  }

  /** Rewrites the object's metadata in place (a copy onto itself) with the new mtime. */
  async setMtime(key: string, mtime: number, options: OperationOptions = {}): Promise<void> {
    await this.copy(this, key, key, { mtime }, options);
  }

  async delete(keys: readonly string[], options: OperationOptions = {}): Promise<DeleteOutcome[]> {
    for (const key of keys) validateKey(key, "s3");
    return deleteObjects(this.client, {
      bucket: this.bucket,
      root: this.prefix,
      keys,
      concurrency: this.tuning.deleteConcurrency,
      ...(options.signal ? { signal: options.signal } : {}),
      errorContext: { bucket: this.bucket, endpoint: this.setup.endpoint, secrets: this.setup.secrets },
    });
  }

  /** MD5 from the etag (single-part) or stored metadata when possible, else by reading. */
  async hash(key: string, algorithm: HashAlgorithm, options: OperationOptions = {}): Promise<string> {
    validateKey(key, "s3");
    if (algorithm !== "md5") {
      throw new FerryError("Unsupported", `s3: hash ${algorithm} is not available (only md5)`, { adapter: "s3", key });
    }
    const entry = await this.stat(key, options);
    if (!entry) throw new FerryError("NotFound", `s3: cannot hash ${JSON.stringify(key)} in bucket "${this.bucket}": not found`, { adapter: "s3", key });
    if (entry.hashes?.md5) return entry.hashes.md5;
    const hasher = createHash("md5");
    try {
      for await (const chunk of await this.read(key, options)) hasher.update(chunk as Buffer);
    } catch (e) {
      throw toS3Error(e, this.context("hash", key, options.signal));
    }
    return hasher.digest("hex");
  }

  /**
   * HeadBucket says whether the location can be used at all; the location "exists" when the
   * bucket does and, for a prefix, when at least one object lies under it.
   */
  async probe(options: OperationOptions = {}): Promise<{ exists: boolean }> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }), { abortSignal: options.signal });
      if (!this.prefix) return { exists: true };
      const page = await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: this.prefix, MaxKeys: 1 }), {
        abortSignal: options.signal,
      });
      return { exists: (page.KeyCount ?? page.Contents?.length ?? 0) > 0 };
    } catch (e) {
      const mapped = toS3Error(e, this.context("open", undefined, options.signal));
      if (isConnectionFailure(e)) {
        const { network } = describeSdkError(e);
        throw new FerryError("Unreachable", `s3: cannot reach ${this.setup.endpoint} (${network}) for bucket "${this.bucket}"`, {
          adapter: "s3",
          cause: mapped.cause,
          hint: "check --s3-endpoint / AWS_ENDPOINT_URL and that the service is running",
        });
      }
      if (mapped.code === "NotFound") {
        throw new FerryError("NotFound", `s3: bucket "${this.bucket}" does not exist at ${this.setup.endpoint}`, { adapter: "s3", cause: mapped.cause });
      }
      throw mapped;
    }
  }

  async close(): Promise<void> {
    if (this.setup.owned) this.client.destroy();
  }
}

export function s3(options: S3AdapterOptions): S3Adapter {
  return new S3Adapter(options);
}
