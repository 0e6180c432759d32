import { ListObjectsV2Command, type S3Client, type _Object } from "@aws-sdk/client-s3";
import { FerryError, compareKeys, type Entry } from "@ferry/core";
import { toS3Error, type S3ErrorContext } from "./errors.js";
import { md5FromEtag, unquoteEtag } from "./etag.js";

export interface ListRequest {
  bucket: string;
  /** the location's prefix inside the bucket ("" or ending in "/") */
  root: string;
  /** relative prefix to list under */
  prefix: string;
  /** relative key to start after */
  startAfter?: string;
  pageSize: number;
  etagIsMd5: boolean;
  /** yield zero-byte `dir/` marker objects as directory entries instead of skipping them */
  dirs: boolean;
  signal?: AbortSignal;
}

/**
 * Streams the location's objects page by page (1,000 keys at a time), so memory stays flat
 * however large the bucket. S3 returns keys in UTF-8 byte order, which is the order the
 * planner merges on; a server that breaks it would make the merge plan wrong (even delete the
 * wrong keys), so out-of-order pages stop the listing instead of being passed on.
 */
export async function* listObjects(client: S3Client, req: ListRequest, errorContext: Omit<S3ErrorContext, "operation">): AsyncGenerator<Entry> {
  const fullPrefix = req.root + req.prefix;
  const startAfter = req.startAfter !== undefined ? req.root + req.startAfter : undefined;
  let token: string | undefined;
  let previous: string | undefined;
  do {
    let page;
    try {
      req.signal?.throwIfAborted();
      page = await client.send(
        new ListObjectsV2Command({
          Bucket: req.bucket,
          ...(fullPrefix ? { Prefix: fullPrefix } : {}),
          ...(token ? { ContinuationToken: token } : startAfter ? { StartAfter: startAfter } : {}),
          MaxKeys: req.pageSize,
        }),
        { abortSignal: req.signal },
      );
    } catch (e) {
      throw toS3Error(e, {
        ...errorContext,
        operation: "list",
        ...(req.prefix ? { key: req.prefix } : {}),
        ...(req.signal ? { signal: req.signal } : {}),
      });
    }
    for (const object of page.Contents ?? []) {
      const fullKey = object.Key;
      if (fullKey === undefined) continue;
      if (previous !== undefined && compareKeys(previous, fullKey) >= 0) {
        throw new FerryError(
          "Provider",
          `s3: the listing of bucket "${req.bucket}" is not in key order (${JSON.stringify(fullKey)} came after ${JSON.stringify(previous)}); ` +
            "the server is not S3-compatible here, and syncing against it could go wrong",
          { adapter: "s3", key: fullKey.slice(req.root.length) },
        );
      }
      previous = fullKey;
      if (startAfter !== undefined && compareKeys(fullKey, startAfter) <= 0) continue;
      const entry = toEntry(object, fullKey.slice(req.root.length), req);
      if (entry) yield entry;
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
    if (page.IsTruncated && !token) {
      throw new FerryError("Provider", `s3: a truncated listing of bucket "${req.bucket}" came without a continuation token`, { adapter: "s3" });
    }
  } while (token);
}

function toEntry(object: _Object, key: string, req: ListRequest): Entry | undefined {
  // the location's own folder marker (`prefix/`) is not an entry of the location
  if (key === "") return undefined;
  if (key.endsWith("/")) {
    // consoles and other tools create zero-byte `name/` objects to show folders
    return req.dirs ? { key: key.slice(0, -1), size: 0, type: "dir" } : undefined;
  }
  const etag = unquoteEtag(object.ETag);
  const md5 = req.etagIsMd5 ? md5FromEtag(etag) : undefined;
  return {
    key,
    size: object.Size ?? 0,
    type: "file",
    ...(etag !== undefined ? { etag } : {}),
    ...(md5 !== undefined ? { hashes: { md5 } } : {}),
    // upload time: not the source mtime (that needs a HeadObject), but free here
    ...(object.LastModified ? { lastModified: object.LastModified.getTime() } : {}),
  };
}
