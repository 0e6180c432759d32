import type { BlobClient, BlobHTTPHeaders } from "@azure/storage-blob";
import type { WriteMeta } from "@ferry/core";
import { toBlobAttributes } from "./attributes.js";

export interface CopyResult {
  etag: string | undefined;
  size: number;
}

/**
 * Server-side copy within one account: Copy Blob (asynchronous on the service, normally done at
 * once inside an account) pinned to the source's etag, with the metadata restated (the source's,
 * overridden by `meta`, with the new mtime). Copy Blob keeps the source's content headers; when
 * `meta` asks for other ones they are set afterwards, restating all of them (Set Blob
 * Properties replaces the whole set, Content-MD5 included).
 */
export async function copyBlob(source: BlobClient, target: BlobClient, meta: WriteMeta, signal: AbortSignal | undefined): Promise<CopyResult> {
  const props = await source.getProperties(signal ? { abortSignal: signal } : {});
  const requested = toBlobAttributes(meta);
  const metadata = { ...(props.metadata ?? {}), ...requested.metadata };
  const poller = await target.beginCopyFromURL(source.url, {
    metadata,
    ...(props.etag ? { sourceConditions: { ifMatch: props.etag } } : {}),
    ...(requested.tier ? { tier: requested.tier } : {}),
    ...(signal ? { abortSignal: signal } : {}),
  });
  const copied = await poller.pollUntilDone();
  let etag = copied.etag;
  const h = requested.headers;
  if (h.blobContentType !== undefined || h.blobCacheControl !== undefined || h.blobContentDisposition !== undefined) {
    const headers: BlobHTTPHeaders = {
      blobContentType: h.blobContentType ?? props.contentType,
      blobCacheControl: h.blobCacheControl ?? props.cacheControl,
      blobContentDisposition: h.blobContentDisposition ?? props.contentDisposition,
      blobContentEncoding: props.contentEncoding,
      blobContentLanguage: props.contentLanguage,
      blobContentMD5: props.contentMD5,
    };
    const set = await target.setHTTPHeaders(headers, signal ? { abortSignal: signal } : {});
    etag = set.etag;
  }
  return { etag, size: props.contentLength ?? 0 };
}
