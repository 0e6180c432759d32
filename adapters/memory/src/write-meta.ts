import { FerryError, type WriteMeta } from "@ferry/core";

/** Attributes an object store would keep but this store has no place for. */
const UNKEPT: ReadonlyArray<keyof WriteMeta> = [
  "cacheControl",
  "contentDisposition",
  "storageClass",
  "sse",
  "sseKmsKeyId",
  "acl",
  "accessTier",
  "symlinkTarget",
];

/** Refuses (never silently drops) attributes the memory store cannot keep. */
export function checkMemoryWriteMeta(meta: WriteMeta): void {
  for (const name of UNKEPT) {
    if (meta[name] !== undefined) {
      throw new FerryError("Unsupported", `the memory adapter cannot keep ${name}`, { adapter: "memory" });
    }
  }
}
