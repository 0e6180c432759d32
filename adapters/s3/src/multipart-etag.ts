import { createHash, type Hash } from "node:crypto";

/**
 * Computes the etag S3 gives an object uploaded in parts of `partSize` bytes:
 * md5(md5(part 1) ‖ md5(part 2) ‖ …) in hex, followed by `-<part count>`. With it a local file
 * can be compared to a multipart object without downloading it (`--checksum`), provided the
 * part size is known or guessed (see `guessPartSize`).
 */
export interface MultipartEtagHasher {
  update(chunk: Uint8Array): MultipartEtagHasher;
  /** the etag without quotes, e.g. `9b2cf535f27731c974343645a3985328-3` */
  digest(): string;
}

export function multipartEtag(partSize: number): MultipartEtagHasher {
  if (!Number.isSafeInteger(partSize) || partSize <= 0) throw new RangeError(`part size must be a positive integer, got ${partSize}`);
  const partDigests: Buffer[] = [];
  let part: Hash = createHash("md5");
  let inPart = 0;
  const hasher: MultipartEtagHasher = {
    update(chunk) {
      let offset = 0;
      while (offset < chunk.length) {
        const take = Math.min(partSize - inPart, chunk.length - offset);
        part.update(chunk.subarray(offset, offset + take));
        inPart += take;
        offset += take;
        if (inPart === partSize) {
          partDigests.push(part.digest());
          part = createHash("md5");
          inPart = 0;
        }
      }
      return hasher;
    },
    digest() {
      // an empty body is still one (empty) part, as S3 counts it
      if (inPart > 0 || partDigests.length === 0) partDigests.push(part.digest());
      return `${createHash("md5").update(Buffer.concat(partDigests)).digest("hex")}-${partDigests.length}`;
    },
  };
  return hasher;
}

/** The multipart etag of a whole stream. */
export async function multipartEtagOfStream(body: AsyncIterable<Uint8Array | string>, partSize: number): Promise<string> {
  const hasher = multipartEtag(partSize);
  for await (const chunk of body) hasher.update(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
  return hasher.digest();
}

/**
 * The part size most uploaders would have used to produce `partCount` parts for `size` bytes:
 * the smallest whole number of MiB that yields exactly that many parts (aws cli, rclone and
 * ferry all use MiB multiples), or undefined when none does.
 */
export function guessPartSize(size: number, partCount: number): number | undefined {
  const MiB = 1024 * 1024;
  if (partCount < 1 || size < 0) return undefined;
  if (partCount === 1) return Math.max(MiB, Math.ceil(size / MiB) * MiB);
  const smallest = Math.ceil(size / partCount / MiB) * MiB;
  for (let ps = Math.max(MiB, smallest); ps * (partCount - 1) < size; ps += MiB) {
    if (Math.ceil(size / ps) === partCount) return ps;
  }
  return undefined;
}
