import { createHash } from "node:crypto";
import type { Readable } from "node:stream";
import type { BlobServiceClient, ContainerClient } from "@azure/storage-blob";
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
import { checkAzureWriteMeta, md5Hex, splitMetadata, toBlobAttributes } from "./attributes.js";
import { setupService, type ServiceSetup } from "./client.js";
import { copyBlob } from "./copy.js";
import { deleteBlobs } from "./delete.js";
import { openBlob } from "./download.js";
import { describeAzureError, isConnectionFailure, toAzureError, type AzureErrorContext } from "./errors.js";
import { listBlobs } from "./listing.js";
import { AZURE_LIMITS, resolveTuning, type AzureAdapterOptions, type AzureTuning } from "./options.js";
import { uploadBlob } from "./upload.js";

export const AZURE_CAPABILITIES: Capabilities = {
  ...DEFAULT_CAPABILITIES,
  mtime: "metadata",
  mtimePrecision: 1,
  // List Blobs returns metadata, so the kept source mtime costs no extra request
  mtimeInList: true,
  hashes: ["md5"],
  etag: "azure",
  serverSideCopy: true,
  // Copy Blob + delete: not atomic, but no bytes travel through ferry
  serverSideMove: true,
  rangeReads: true,
  // a blob appears only on Put Blob / Put Block List
  atomicWrites: true,
  emptyDirectories: false,
  caseSensitive: true,
  symlinks: false,
  permissions: false,
  maxObjectSize: AZURE_LIMITS.maxObjectSize,
  maxPartCount: AZURE_LIMITS.maxBlocks,
};

/** An Azure Blob container (or a prefix in it) as a ferry location. */
export class AzureAdapter implements Adapter {
  readonly name = "azure";
  readonly root: string;
  readonly capabilities: Capabilities = AZURE_CAPABILITIES;
  readonly identity: string;
  readonly containerName: string;
  /** blob name prefix: "" or ending in "/" */
  readonly prefix: string;
  readonly service: BlobServiceClient;
  readonly container: ContainerClient;
  private readonly setup: ServiceSetup;
  private readonly tuning: AzureTuning;

  constructor(options: AzureAdapterOptions) {
    if (!options.container || !/^[a-z0-9$](?:[a-z0-9-]*[a-z0-9])?$/.test(options.container)) {
      throw new FerryError("Usage", `azure: invalid container name ${JSON.stringify(options.container ?? "")}`, {
        adapter: "azure",
        hint: "container names are 3-63 lowercase letters, digits and dashes; locations look like az://container/prefix/",
      });
    }
    this.containerName = options.container;
    this.prefix = normalizePrefix(options.prefix);
    this.tuning = resolveTuning(options);
    this.setup = setupService(options);
    this.service = this.setup.service;
    this.container = this.service.getContainerClient(this.containerName);
    this.identity = this.setup.identity;
    this.root = `azure://${this.service.accountName || "account"}/${this.containerName}/${this.prefix}`;
  }

  /** Blob name for a key relative to the location (validated here too, for SDK users). */
  blobName(key: string): string {
    return this.prefix + validateKey(key, "azure");
  }

  private context(operation: string, key?: string, signal?: AbortSignal): AzureErrorContext {
    return {
      container: this.containerName,
      operation,
      endpoint: this.setup.endpoint,
      secrets: this.setup.secrets,
      ...(key !== undefined ? { key } : {}),
      ...(signal ? { signal } : {}),
    };
  }

  list(prefix = "", options: ListOptions = {}): AsyncIterable<Entry> {
    return listBlobs(
      this.container,
      {
        root: this.prefix,
        prefix,
        ...(options.startAfter !== undefined ? { startAfter: options.startAfter } : {}),
        maxPageSize: this.tuning.maxPageSize,
        reorderLimit: this.tuning.reorderLimit,
        dirs: options.dirs ?? false,
        ...(options.signal ? { signal: options.signal } : {}),
      },
      { container: this.containerName, endpoint: this.setup.endpoint, secrets: this.setup.secrets },
    );
  }

  async stat(key: string, options: OperationOptions = {}): Promise<Entry | undefined> {
    let props;
    try {
      props = await this.container.getBlobClient(this.blobName(key)).getProperties(options.signal ? { abortSignal: options.signal } : {});
    } catch (e) {
      const mapped = toAzureError(e, this.context("stat", key, options.signal));
      if (mapped.code === "NotFound" && describeAzureError(e).code !== "ContainerNotFound") return undefined;
      throw mapped;
    }
    const { mtime, rest } = splitMetadata(props.metadata);
    const lastModified = props.lastModified?.getTime();
    const entry: Entry = { key, size: props.contentLength ?? 0, type: "file" };
    const time = mtime ?? lastModified;
    if (time !== undefined) entry.mtime = time;
    if (lastModified !== undefined) entry.lastModified = lastModified;
    if (props.etag) entry.etag = props.etag.replace(/^"(.*)"$/, "$1");
    const md5 = md5Hex(props.contentMD5);
    if (md5) entry.hashes = { md5 };
    if (props.contentType) entry.contentType = props.contentType;
    if (rest) entry.metadata = rest;
    return entry;
  }

  async read(key: string, options: ReadOptions = {}): Promise<Readable> {
    const blob = this.container.getBlobClient(this.blobName(key));
    return openBlob(blob, options.range, options.signal, this.context("read", key, options.signal), {
      partSize: this.tuning.downloadPartSize,
      concurrency: this.tuning.downloadConcurrency,
    });
  }

  checkWriteMeta(meta: WriteMeta): void {
    checkAzureWriteMeta(meta);
  }

  async write(key: string, body: Readable, meta: WriteMeta, options: WriteOptions = {}): Promise<WriteResult> {
    try {
      this.checkWriteMeta(meta);
      const res = await uploadBlob(this.container.getBlockBlobClient(this.blobName(key)), body, {
        attributes: toBlobAttributes(meta),
        ...(meta.size !== undefined ? { size: meta.size } : {}),
        threshold: options.multipartThreshold ?? this.tuning.multipartThreshold,
        chunkSize: options.multipartChunkSize ?? this.tuning.multipartChunkSize,
        concurrency: options.partConcurrency ?? this.tuning.partConcurrency,
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      });
      const result: WriteResult = { size: res.size, hashes: { md5: res.md5 } };
      if (res.etag) result.etag = res.etag.replace(/^"(.*)"$/, "$1");
      if (meta.mtime !== undefined) result.mtime = meta.mtime;
      return result;
    } catch (e) {
      throw toAzureError(e, this.context("write", key, options.signal));
    }
  }

  async copy(source: Adapter, sourceKey: string, key: string, meta: WriteMeta, options: WriteOptions = {}): Promise<WriteResult> {
    if (!(source instanceof AzureAdapter) || !canCopyServerSide(source, this)) {
      throw new FerryError("Unsupported", `azure: cannot copy server-side from ${source.root} to ${this.root} (different account)`, { adapter: "azure", key });
    }
    try {
      this.checkWriteMeta(meta);
      const res = await copyBlob(
        source.container.getBlobClient(source.blobName(sourceKey)),
        this.container.getBlobClient(this.blobName(key)),
        meta,
        options.signal,
      );
      options.onProgress?.(res.size);
      const result: WriteResult = { size: res.size };
      if (res.etag) result.etag = res.etag.replace(/^"(.*)"$/, "$1");
      if (meta.mtime !== undefined) result.mtime = meta.mtime;
      return result;
    } catch (e) {
      throw toAzureError(e, this.context("copy", key, options.signal));
    }
  }

  async move(fromKey: string, toKey: string, options: OperationOptions = {}): Promise<void> {
    await this.copy(this, fromKey, toKey, {}, options);
    try {
      await this.container.getBlobClient(this.blobName(fromKey)).deleteIfExists(options.signal ? { abortSignal: options.signal } : {});
    } catch (e) {
      throw toAzureError(e, this.context("delete", fromKey, options.signal));
    }
  }

  /** Set Blob Metadata with the new mtime (other metadata kept); the content is untouched. */
  async setMtime(key: string, mtime: number, options: OperationOptions = {}): Promise<void> {
    const blob = this.container.getBlobClient(this.blobName(key));
    const signal = options.signal ? { abortSignal: options.signal } : {};
    try {
      const props = await blob.getProperties(signal);
      const metadata = { ...(props.metadata ?? {}), ...toBlobAttributes({ mtime }).metadata };
      await blob.setMetadata(metadata, { ...signal, ...(props.etag ? { conditions: { ifMatch: props.etag } } : {}) });
    } catch (e) {
      throw toAzureError(e, this.context("set the mtime of", key, options.signal));
    }
  }

  async delete(keys: readonly string[], options: OperationOptions = {}): Promise<DeleteOutcome[]> {
    for (const key of keys) validateKey(key, "azure");
    return deleteBlobs(this.container, {
      root: this.prefix,
      keys,
      concurrency: this.tuning.deleteConcurrency,
      ...(options.signal ? { signal: options.signal } : {}),
      errorContext: { container: this.containerName, endpoint: this.setup.endpoint, secrets: this.setup.secrets },
    });
  }

  /** Content-MD5 when the blob has one (every blob ferry writes does), else by reading. */
  async hash(key: string, algorithm: HashAlgorithm, options: OperationOptions = {}): Promise<string> {
    validateKey(key, "azure");
    if (algorithm !== "md5") throw new FerryError("Unsupported", `azure: hash ${algorithm} is not available (only md5)`, { adapter: "azure", key });
    const entry = await this.stat(key, options);
    if (!entry) throw new FerryError("NotFound", `azure: cannot hash ${JSON.stringify(key)} in container "${this.containerName}": not found`, { adapter: "azure", key });
    if (entry.hashes?.md5) return entry.hashes.md5;
    const hasher = createHash("md5");
    try {
      for await (const chunk of await this.read(key, options)) hasher.update(chunk as Buffer);
    } catch (e) {
      throw toAzureError(e, this.context("hash", key, options.signal));
    }
    return hasher.digest("hex");
  }

  /** The container must exist; the location "exists" when, for a prefix, a blob lies under it. */
  async probe(options: OperationOptions = {}): Promise<{ exists: boolean }> {
    const signal = options.signal ? { abortSignal: options.signal } : {};
    try {
      await this.container.getProperties(signal);
      if (!this.prefix) return { exists: true };
      const page = await this.container.listBlobsFlat({ prefix: this.prefix, ...signal }).byPage({ maxPageSize: 1 }).next();
      return { exists: !page.done && page.value.segment.blobItems.length > 0 };
    } catch (e) {
      const mapped = toAzureError(e, this.context("open", undefined, options.signal));
      if (isConnectionFailure(e)) {
        throw new FerryError("Unreachable", `azure: cannot reach ${this.setup.endpoint} (${describeAzureError(e).network ?? "connection failed"})`, {
          adapter: "azure",
          cause: mapped.cause,
          hint: "check the account name, --azure-endpoint and that the service is running",
        });
      }
      if (mapped.code === "NotFound") {
        throw new FerryError("NotFound", `azure: container "${this.containerName}" does not exist at ${this.setup.endpoint}`, { adapter: "azure", cause: mapped.cause });
      }
      throw mapped;
    }
  }
}

export function azure(options: AzureAdapterOptions): AzureAdapter {
  return new AzureAdapter(options);
}
