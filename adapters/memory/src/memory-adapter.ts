import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import {
  DEFAULT_CAPABILITIES,
  FerryError,
  compareKeys,
  keyProblem,
  normalizePrefix,
  toFerryError,
  validateKey,
  type Adapter,
  type Capabilities,
  type DeleteOutcome,
  type Entry,
  type HashAlgorithm,
  type ListOptions,
  type OperationOptions,
  type ReadOptions,
  type WriteMeta,
  type WriteOptions,
  type WriteResult,
} from "@ferry/core";
import { receiveBody } from "./body-receiver.js";
import { storeNamed, type MemoryStore, type StoredObject } from "./store.js";
import { checkMemoryWriteMeta } from "./write-meta.js";

export interface MemoryOptions {
  /** the store's name: every `mem://name` in this process shares it */
  name: string;
  /** a key prefix inside the store that this adapter is rooted at */
  prefix?: string;
}

const ADAPTER = "memory";
/** keys copied out of the index per listing step: bounds the copy, not the listing */
const LIST_PAGE = 1000;
/** read streams hand out the body in slices of this size */
const READ_CHUNK = 1024 * 1024;

export const CAPABILITIES: Capabilities = {
  ...DEFAULT_CAPABILITIES,
  mtime: "native",
  mtimePrecision: 1,
  mtimeInList: true,
  hashes: ["md5", "sha1", "sha256"],
  etag: "memory",
  serverSideCopy: true,
  serverSideMove: true,
  rangeReads: true,
  atomicWrites: true,
  emptyDirectories: false,
  caseSensitive: true,
  symlinks: false,
  permissions: true,
};

function throwIfAborted(signal: AbortSignal | undefined, key?: string): void {
  if (signal?.aborted) throw new FerryError("Aborted", "the operation was aborted", { adapter: ADAPTER, key });
}

function notFound(key: string): FerryError {
  return new FerryError("NotFound", `no such key: ${key}`, { adapter: ADAPTER, key });
}

/** An in-process object store: for tests, demos and as a reference adapter. */
export class MemoryAdapter implements Adapter {
  readonly name = ADAPTER;
  readonly root: string;
  readonly capabilities = CAPABILITIES;
  /** every store lives in this process, so any two memory adapters can copy between them */
  readonly identity = "memory";
  readonly storeName: string;
  readonly prefix: string;
  private readonly store: MemoryStore;

  constructor(options: MemoryOptions) {
    if (!options.name) throw new FerryError("Usage", "a memory store needs a name (mem://name/prefix)", { adapter: ADAPTER });
    this.storeName = options.name;
    this.prefix = normalizePrefix(options.prefix);
    if (this.prefix) validateKey(this.prefix, ADAPTER);
    this.store = storeNamed(options.name);
    this.root = `mem://${encodeURIComponent(options.name)}/${this.prefix}`;
  }

  private fullKey(key: string): string {
    return this.prefix + validateKey(key, ADAPTER);
  }

  private entry(key: string, object: StoredObject): Entry {
    return {
      key,
      size: object.body.length,
      mtime: object.mtime,
      etag: object.md5,
      hashes: { md5: object.md5 },
      type: "file",
      ...(object.contentType !== undefined ? { contentType: object.contentType } : {}),
      ...(object.metadata !== undefined ? { metadata: { ...object.metadata } } : {}),
      ...(object.mode !== undefined ? { mode: object.mode } : {}),
    };
  }

  private existing(key: string): StoredObject {
    const object = this.store.get(this.fullKey(key));
    if (!object) throw notFound(key);
    return object;
  }

  async *list(prefix = "", options: ListOptions = {}): AsyncIterable<Entry> {
    if (prefix) {
      const problem = keyProblem(prefix);
      if (problem) throw new FerryError("InvalidKey", `invalid prefix ${JSON.stringify(prefix)}: ${problem}`, { adapter: ADAPTER });
    }
    const scope = this.prefix + prefix;
    const startAfter = options.startAfter === undefined ? undefined : this.prefix + options.startAfter;
    let from = scope;
    let inclusive = true;
    if (startAfter !== undefined && compareKeys(startAfter, scope) >= 0) {
      from = startAfter;
      inclusive = false;
    }
    for (;;) {
      throwIfAborted(options.signal);
      const keys = this.store.keyPage(from, inclusive, LIST_PAGE);
      for (const fullKey of keys) {
        if (!fullKey.startsWith(scope)) return;
        // the object may have gone since the page was taken
        const object = this.store.get(fullKey);
        if (object) yield this.entry(fullKey.slice(this.prefix.length), object);
      }
      if (keys.length < LIST_PAGE) return;
      from = keys[keys.length - 1]!;
      inclusive = false;
    }
  }

  async stat(key: string, options: OperationOptions = {}): Promise<Entry | undefined> {
    throwIfAborted(options.signal, key);
    const object = this.store.get(this.fullKey(key));
    return object && this.entry(key, object);
  }

  async read(key: string, options: ReadOptions = {}): Promise<Readable> {
    throwIfAborted(options.signal, key);
    const { body } = this.existing(key);
    const start = options.range?.start ?? 0;
    const end = Math.min(options.range?.end ?? body.length - 1, body.length - 1);
    const slice = body.subarray(Math.min(start, body.length), Math.max(start, end + 1));
    let offset = 0;
    const stream = new Readable({
      read() {
        if (offset >= slice.length) {
          this.push(null);
          return;
        }
        const next = slice.subarray(offset, offset + READ_CHUNK);
        offset += next.length;
        this.push(next);
      },
    });
    if (options.signal) {
      const signal = options.signal;
      const onAbort = () => stream.destroy(new FerryError("Aborted", "the read was aborted", { adapter: ADAPTER, key }));
      signal.addEventListener("abort", onAbort, { once: true });
      stream.once("close", () => signal.removeEventListener("abort", onAbort));
    }
    return stream;
  }

  async write(key: string, body: Readable, meta: WriteMeta, options: WriteOptions = {}): Promise<WriteResult> {
    const fullKey = this.fullKey(key);
    try {
      checkMemoryWriteMeta(meta);
      throwIfAborted(options.signal, key);
      const received = await receiveBody(body, options);
      if (meta.size !== undefined && received.body.length !== meta.size) {
        throw new FerryError("Integrity", `received ${received.body.length} bytes, expected ${meta.size}`, { adapter: ADAPTER, key });
      }
      if (meta.hashes?.md5 !== undefined && meta.hashes.md5 !== received.md5) {
        throw new FerryError("Integrity", `body md5 ${received.md5} differs from the expected ${meta.hashes.md5}`, { adapter: ADAPTER, key });
      }
      const object: StoredObject = {
        body: received.body,
        md5: received.md5,
        mtime: meta.mtime ?? Date.now(),
        ...(meta.contentType !== undefined ? { contentType: meta.contentType } : {}),
        ...(meta.metadata !== undefined ? { metadata: { ...meta.metadata } } : {}),
        ...(meta.mode !== undefined ? { mode: meta.mode } : {}),
      };
      this.store.put(fullKey, object);
      return { etag: object.md5, hashes: { md5: object.md5 }, size: object.body.length, mtime: object.mtime };
    } catch (e) {
      body.destroy();
      throw toFerryError(e, { adapter: ADAPTER, key });
    }
  }

  async delete(keys: readonly string[], options: OperationOptions = {}): Promise<DeleteOutcome[]> {
    throwIfAborted(options.signal);
    return keys.map((key) => {
      try {
        this.store.remove(this.fullKey(key));
        return { key };
      } catch (e) {
        return { key, error: toFerryError(e, { adapter: ADAPTER, key }) };
      }
    });
  }

  async copy(source: Adapter, sourceKey: string, key: string, meta: WriteMeta, options: WriteOptions = {}): Promise<WriteResult> {
    if (!(source instanceof MemoryAdapter)) {
      throw new FerryError("Unsupported", `the memory adapter copies server-side only from memory stores, not from ${source.name}`, { adapter: ADAPTER, key });
    }
    checkMemoryWriteMeta(meta);
    throwIfAborted(options.signal, key);
    const target = this.fullKey(key);
    const object = source.existing(sourceKey);
    // bodies are never mutated, so the copy shares the buffer
    const copied: StoredObject = {
      ...object,
      mtime: meta.mtime ?? object.mtime,
      ...(meta.contentType !== undefined ? { contentType: meta.contentType } : {}),
      ...(meta.metadata !== undefined ? { metadata: { ...meta.metadata } } : {}),
      ...(meta.mode !== undefined ? { mode: meta.mode } : {}),
    };
    this.store.put(target, copied);
    options.onProgress?.(copied.body.length);
    return { etag: copied.md5, hashes: { md5: copied.md5 }, size: copied.body.length, mtime: copied.mtime };
  }

  async move(fromKey: string, toKey: string, options: OperationOptions = {}): Promise<void> {
    throwIfAborted(options.signal, fromKey);
    const object = this.existing(fromKey);
    const from = this.fullKey(fromKey);
    const to = this.fullKey(toKey);
    if (from === to) return;
    this.store.put(to, object);
    this.store.remove(from);
  }

  async setMtime(key: string, mtime: number, options: OperationOptions = {}): Promise<void> {
    throwIfAborted(options.signal, key);
    this.store.put(this.fullKey(key), { ...this.existing(key), mtime });
  }

  async hash(key: string, algorithm: HashAlgorithm, options: OperationOptions = {}): Promise<string> {
    throwIfAborted(options.signal, key);
    const object = this.existing(key);
    if (algorithm === "md5") return object.md5;
    if (algorithm === "crc32c") throw new FerryError("Unsupported", "the memory adapter does not compute crc32c", { adapter: ADAPTER, key });
    return createHash(algorithm).update(object.body).digest("hex");
  }

  checkWriteMeta(meta: WriteMeta): void {
    checkMemoryWriteMeta(meta);
  }

  async probe(): Promise<{ exists: boolean }> {
    // a named store comes into being when first used, so it always exists
    return { exists: true };
  }
}

export function memory(options: MemoryOptions): Adapter {
  return new MemoryAdapter(options);
}
