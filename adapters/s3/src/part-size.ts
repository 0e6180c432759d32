import { S3_LIMITS } from "./options.js";

const MiB = 1024 * 1024;

/**
 * The part size for an object of `size` bytes: the requested chunk size, grown (in whole MiB,
 * so the multipart etag stays guessable) until the object fits in S3's 10,000 parts, and kept
 * within S3's 5 MiB … 5 GiB per part.
 */
export function fitPartSize(size: number | undefined, chunkSize: number, maxParts: number = S3_LIMITS.maxParts): number {
  let part = Math.max(chunkSize, S3_LIMITS.minPartSize);
  if (size !== undefined && Math.ceil(size / part) > maxParts) {
    part = Math.ceil(size / maxParts / MiB) * MiB;
  }
  return Math.min(part, S3_LIMITS.maxPartSize);
}
