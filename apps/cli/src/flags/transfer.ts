import type { TransferSettings } from "@ferry/sdk";
import type { FlagValues } from "./flag-values.js";
import { bwLimitValue, integerValue, metadataValue, sizeValue } from "./value-parsers.js";

/** Concurrency, limits, retries and verification flags → TransferSettings. */
export function transferSettings(flags: FlagValues): TransferSettings {
  const out: TransferSettings = {};
  const int = (name: string, min: number) => {
    const v = flags.str(name);
    return v === undefined ? undefined : integerValue(v, flags.given(name), min);
  };
  const size = (name: string) => {
    const v = flags.str(name);
    return v === undefined ? undefined : sizeValue(v, flags.given(name));
  };
  const transfers = int("transfers", 1);
  if (transfers !== undefined) out.transfers = transfers;
  const checkers = int("checkers", 1);
  if (checkers !== undefined) out.checkers = checkers;
  const listConcurrency = int("list-concurrency", 1);
  if (listConcurrency !== undefined) out.listConcurrency = listConcurrency;
  const bw = flags.str("bwlimit");
  const bwlimit = bw === undefined ? undefined : bwLimitValue(bw, flags.given("bwlimit"));
  if (bwlimit !== undefined) out.bwlimit = bwlimit;
  const tpslimit = int("tpslimit", 1);
  if (tpslimit !== undefined) out.tpslimit = tpslimit;
  const threshold = size("multipart-threshold");
  if (threshold !== undefined) out.multipartThreshold = threshold;
  const chunk = size("multipart-chunk-size");
  if (chunk !== undefined) out.multipartChunkSize = chunk;
  const retries = int("retries", 0);
  if (retries !== undefined) out.retries = retries;
  if (flags.bool("stop-on-error")) out.stopOnError = true;
  const maxFailures = int("max-failures", 1);
  if (maxFailures !== undefined) out.maxFailures = maxFailures;
  if (flags.bool("verify")) out.verify = true;
  return out;
}

/** Object attribute flags → `attributes` for uploads; undefined when none was given. */
export function attributeSettings(flags: FlagValues): TransferSettings["attributes"] {
  const attributes: NonNullable<TransferSettings["attributes"]> = {};
  const copy = (name: string, key: keyof typeof attributes) => {
    const v = flags.str(name);
    if (v !== undefined) (attributes as Record<string, unknown>)[key] = v;
  };
  copy("content-type", "contentType");
  copy("cache-control", "cacheControl");
  copy("content-disposition", "contentDisposition");
  copy("storage-class", "storageClass");
  copy("sse", "sse");
  copy("sse-kms-key-id", "sseKmsKeyId");
  copy("acl", "acl");
  copy("access-tier", "accessTier");
  const metadata = metadataValue(flags.list("metadata"), "--metadata");
  if (metadata) attributes.metadata = metadata;
  return Object.keys(attributes).length > 0 ? attributes : undefined;
}
