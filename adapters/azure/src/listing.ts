import type { BlobItem, ContainerClient } from "@azure/storage-blob";
import { FerryError, compareKeys, type Entry } from "@ferry/core";
import { md5Hex, splitMetadata } from "./attributes.js";
import { toAzureError, type AzureErrorContext } from "./errors.js";
import { inCodePointOrder } from "./ordering.js";

export interface ListRequest {
  /** the location's prefix inside the container ("" or ending in "/") */
  root: string;
  prefix: string;
  startAfter?: string;
  maxPageSize: number;
  reorderLimit: number;
  dirs: boolean;
  signal?: AbortSignal;
}

/**
 * Flat listing, page by page, with metadata — so unlike S3 the source mtime comes with the
 * listing and no per-blob request is needed. Azure has no "start after" parameter: the listing
 * runs from the prefix and skips what lies before `startAfter`.
 */
export async function* listBlobs(container: ContainerClient, req: ListRequest, errorContext: Omit<AzureErrorContext, "operation">): AsyncGenerator<Entry> {
  const fullPrefix = req.root + req.prefix;
  const startAfter = req.startAfter !== undefined ? req.root + req.startAfter : undefined;
  let previous: string | undefined;
  for await (const item of inCodePointOrder(pages(container, fullPrefix, req, errorContext), (b) => b.name, req.reorderLimit)) {
    if (previous !== undefined && compareKeys(previous, item.name) >= 0) {
      throw new FerryError(
        "Provider",
        `azure: the listing of container "${errorContext.container}" is not in name order (${JSON.stringify(item.name)} came after ${JSON.stringify(previous)})`,
        { adapter: "azure" },
      );
    }
    previous = item.name;
    if (startAfter !== undefined && compareKeys(item.name, startAfter) <= 0) continue;
    const entry = toEntry(item, item.name.slice(req.root.length), req.dirs);
    if (entry) yield entry;
  }
}

async function* pages(container: ContainerClient, prefix: string, req: ListRequest, errorContext: Omit<AzureErrorContext, "operation">): AsyncGenerator<BlobItem> {
  const iterator = container
    .listBlobsFlat({ includeMetadata: true, ...(prefix ? { prefix } : {}), ...(req.signal ? { abortSignal: req.signal } : {}) })
    .byPage({ maxPageSize: req.maxPageSize });
  for (;;) {
    let page;
    try {
      req.signal?.throwIfAborted();
      page = await iterator.next();
    } catch (e) {
      throw toAzureError(e, {
        ...errorContext,
        operation: "list",
        ...(req.prefix ? { key: req.prefix } : {}),
        ...(req.signal ? { signal: req.signal } : {}),
      });
    }
    if (page.done) return;
    yield* page.value.segment.blobItems;
  }
}

export function toEntry(item: BlobItem, key: string, dirs: boolean): Entry | undefined {
  if (key === "") return undefined;
  if (key.endsWith("/")) return dirs ? { key: key.slice(0, -1), size: 0, type: "dir" } : undefined;
  const p = item.properties;
  const { mtime, rest } = splitMetadata(item.metadata);
  const md5 = md5Hex(p.contentMD5);
  const lastModified = p.lastModified?.getTime();
  const entry: Entry = { key, size: p.contentLength ?? 0, type: "file" };
  // blobs written by other tools have no mtime metadata: their Last-Modified stands in
  const time = mtime ?? lastModified;
  if (time !== undefined) entry.mtime = time;
  if (lastModified !== undefined) entry.lastModified = lastModified;
  if (p.etag) entry.etag = p.etag.replace(/^"(.*)"$/, "$1");
  if (md5) entry.hashes = { md5 };
  if (p.contentType) entry.contentType = p.contentType;
  if (rest) entry.metadata = rest;
  return entry;
}
