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

/** Part sizes (MiB) common tools use by default: ferry/aws cli 8, rclone/boto 5, s3cmd 15, … */
const COMMON_PART_SIZES_MIB = [8, 5, 16, 15, 10, 32, 50, 64, 100, 128, 256, 512];

/**
 * Part sizes that would have cut `size` bytes into exactly `partCount` parts, most likely
 * first: the defaults of common tools, then every other whole number of MiB (uploaders grow part
 * sizes in MiB), at most `limit` in all. Several can fit; hashing one read with a
 * `multipartEtag` per candidate finds the one that matches.
 */
export function candidatePartSizes(size: number, partCount: number, limit = 16): number[] {
  const MiB = 1024 * 1024;
  if (!Number.isInteger(partCount) || partCount < 1 || size < 0) return [];
  const fits = (ps: number) => (partCount === 1 ? size <= ps : Math.ceil(size / ps) === partCount);
  const out = COMMON_PART_SIZES_MIB.map((m) => m * MiB).filter(fits);
  if (partCount > 1) {
    for (let ps = Math.max(MiB, Math.ceil(size / partCount / MiB) * MiB); ps * (partCount - 1) < size && out.length < limit; ps += MiB) {
      if (fits(ps) && !out.includes(ps)) out.push(ps);
    }
  }
  return out.slice(0, limit);
}
