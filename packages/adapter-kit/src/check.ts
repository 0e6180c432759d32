import type { Adapter, Entry, ListOptions, WriteMeta, WriteOptions, WriteResult } from "@ferry/core";

/** Sizes the suite works with, after defaults. */
export interface ConformanceSettings {
  largeObjectSize: number;
  paginationKeys: number;
}

/** What one check gets to work with: the adapter and a key prefix nobody else uses. */
export interface CheckContext {
  readonly adapter: Adapter;
  /** unique to this check and run, ends with "/" */
  readonly prefix: string;
  readonly settings: ConformanceSettings;
  /** `prefix + name` */
  key(name: string): string;
  /** writes a whole small body (string or bytes) under a full key */
  put(key: string, data: string | Uint8Array, meta?: WriteMeta, options?: WriteOptions): Promise<WriteResult>;
  /** collects a listing (under this check's prefix unless another is given) */
  list(prefix?: string, options?: ListOptions): Promise<Entry[]>;
  /** marks the check as not applicable (a capability the adapter does not declare) */
  skip(note: string): never;
}

export interface ConformanceCheck {
  /** stable name used in test titles and in `skip` */
  id: string;
  title: string;
  /** ms; the default is 60 s */
  timeout?: number;
  run(t: CheckContext): Promise<void>;
}
