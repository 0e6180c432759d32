import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { pipeline } from "node:stream/promises";
import type { HashAlgorithm } from "@ferry/core";

/** The digests node:crypto computes; crc32c would need a library for little gain here. */
export const LOCAL_HASHES = ["md5", "sha1", "sha256"] as const satisfies readonly HashAlgorithm[];

export function isLocalHash(algorithm: HashAlgorithm): algorithm is (typeof LOCAL_HASHES)[number] {
  return (LOCAL_HASHES as readonly string[]).includes(algorithm);
}

/** Lowercase hex digest of a file, streamed in 1 MiB reads. */
export async function hashFile(path: string, algorithm: (typeof LOCAL_HASHES)[number], signal?: AbortSignal): Promise<string> {
  const hash = createHash(algorithm);
  await pipeline(createReadStream(path, { highWaterMark: 1024 * 1024 }), hash, signal ? { signal } : {});
  return hash.digest("hex");
}
