import { CopyObjectCommand, HeadObjectCommand, UploadPartCopyCommand, type S3Client } from "@aws-sdk/client-s3";
import type { WriteMeta } from "@ferry/core";
import { mergeCopyAttributes } from "./attributes.js";
import { runMultipartUpload, type PartJob } from "./multipart.js";
import { fitPartSize } from "./part-size.js";

export interface CopyRequest {
  source: { bucket: string; key: string };
  target: { bucket: string; key: string };
  meta: WriteMeta;
  /** above this size, UploadPartCopy (CopyObject is limited to 5 GiB) */
  multipartThreshold: number;
  chunkSize: number;
  concurrency: number;
  signal?: AbortSignal;
}

export interface CopyResult {
  etag: string | undefined;
  size: number;
}

/** The `x-amz-copy-source` value: bucket/key, URL-encoded per segment as S3 requires. */
export function copySource(bucket: string, key: string): string {
  return `${bucket}/${key.split("/").map(encodeURIComponent).join("/")}`;
}

/**
 * Server-side copy. The source is looked at first: its size picks CopyObject or a multipart
 * copy, its etag pins every request to the version we looked at (a concurrent overwrite fails
 * the copy instead of mixing versions), and its attributes are carried over — the metadata
 * directive is REPLACE so the new mtime can be set, and REPLACE keeps only what is restated.
 */
export async function copyObject(client: S3Client, req: CopyRequest): Promise<CopyResult> {
  const head = await client.send(new HeadObjectCommand({ Bucket: req.source.bucket, Key: req.source.key }), { abortSignal: req.signal });
  const size = head.ContentLength ?? 0;
  const attributes = mergeCopyAttributes(head, req.meta);
  const source = copySource(req.source.bucket, req.source.key);

  if (size <= req.multipartThreshold) {
    const res = await client.send(
      new CopyObjectCommand({
        Bucket: req.target.bucket,
        Key: req.target.key,
        CopySource: source,
        ...(head.ETag ? { CopySourceIfMatch: head.ETag } : {}),
        MetadataDirective: "REPLACE",
        ...attributes,
      }),
      { abortSignal: req.signal },
    );
    return { etag: res.CopyObjectResult?.ETag, size };
  }

  const partSize = fitPartSize(size, req.chunkSize);
  async function* jobs(): AsyncGenerator<PartJob> {
    for (let start = 0; start < size; start += partSize) {
      const end = Math.min(size, start + partSize) - 1;
      yield async (uploadId, partNumber, signal) => {
        const res = await client.send(
          new UploadPartCopyCommand({
            Bucket: req.target.bucket,
            Key: req.target.key,
            UploadId: uploadId,
            PartNumber: partNumber,
            CopySource: source,
            CopySourceRange: `bytes=${start}-${end}`,
            ...(head.ETag ? { CopySourceIfMatch: head.ETag } : {}),
          }),
          { abortSignal: signal },
        );
        const etag = res.CopyPartResult?.ETag;
        if (!etag) throw new Error(`UploadPartCopy ${partNumber} returned no ETag`);
        return etag;
      };
    }
  }
  const { etag } = await runMultipartUpload(
    client,
    { Bucket: req.target.bucket, Key: req.target.key, ...attributes },
    jobs(),
    { concurrency: req.concurrency, signal: req.signal },
  );
  return { etag, size };
}
