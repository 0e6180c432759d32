import { randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import {
  DEFAULT_CAPABILITIES,
  FerryError,
  keyProblem,
  validateKey,
  type Adapter,
  type Capabilities,
  type DeleteOutcome,
  type Entry,
  type ListOptions,
  type OperationOptions,
  type ReadOptions,
  type WriteMeta,
  type WriteOptions,
  type WriteResult,
} from "@ferry/core";
import { countedBody, mappedErrors, sliceOf } from "./body-streams.js";
import { DavSession, discard } from "./dav-session.js";
import { ADAPTER_NAME, HttpStatusError, toWebdavError } from "./errors.js";
import { parseMultistatus, splitListing, type DavResource } from "./multistatus.js";
import { DEFAULTS, type WebdavOptions } from "./options.js";
import { sortedWalk, type WalkChild } from "@ferry/core";

/** Write attributes WebDAV has no place for. contentType is sent; whether it is kept is the server's business. */
const UNKEPT: ReadonlyArray<keyof WriteMeta> = ["cacheControl", "contentDisposition", "storageClass", "sse", "sseKmsKeyId", "acl", "accessTier", "mode", "symlinkTarget"];

const TEMP_NAME = /^\.ferry-[0-9a-f]{12}\.tmp$/;
const KNOWN_COLLECTIONS_LIMIT = 10_000;
/**
 * Only the four properties a listing uses: an allprop answer (no body) carries a dozen more per
 * resource (quota, lock discovery, content type, display name…), which made parsing a big
 * directory's answer ~2.4× slower.
 */
const PROPFIND_BODY =
  '<?xml version="1.0" encoding="utf-8"?><d:propfind xmlns:d="DAV:"><d:prop><d:resourcetype/><d:getcontentlength/><d:getlastmodified/><d:getetag/></d:prop></d:propfind>';
/** Delays between the repeated DELETEs of a failed upload's temporary (see removeLeftover). */
const LEFTOVER_RETRY_MS = [300, 1_000, 3_000];

function statusOf(e: unknown): number | undefined {
  const s = (e as { status?: unknown } | null)?.status;
  return typeof s === "number" ? s : undefined;
}

/**
 * A WebDAV collection as a ferry location. Listing walks collections with PROPFIND depth 1,
 * bodies stream both ways, uploads go to a temporary name and are MOVEd into place.
 */
export class WebdavAdapter implements Adapter {
  readonly name = ADAPTER_NAME;
  readonly root: string;
  readonly identity: string;
  readonly capabilities: Capabilities;

  private readonly session: DavSession;
  private readonly ocMtime: boolean;
  private readonly atomicUploads: boolean;
  private readonly listConcurrency: number;
  private readonly knownCollections = new Set<string>();
  private readonly creatingCollections = new Map<string, Promise<void>>();
  /** Failed uploads' temporaries still to be deleted again: url → run-it-now. */
  private readonly leftovers = new Map<string, () => Promise<unknown>>();

  constructor(options: WebdavOptions) {
    let base: URL;
    try {
      base = new URL(options.url);
    } catch {
      throw new FerryError("Usage", "webdav: the url is not a valid http(s) URL", { adapter: ADAPTER_NAME });
    }
    if (base.protocol !== "http:" && base.protocol !== "https:") throw new FerryError("Usage", `webdav: unsupported protocol ${base.protocol}`, { adapter: ADAPTER_NAME });
    // credentials travel in the Authorization header only, never in URLs we print or log
    const username = options.username ?? (base.username ? decodeURIComponent(base.username) : undefined);
    const password = options.password ?? (base.password ? decodeURIComponent(base.password) : undefined);
    base.username = "";
    base.password = "";
    base.search = "";
    base.hash = "";
    if (!base.pathname.endsWith("/")) base.pathname += "/";

    this.session = new DavSession({
      baseUrl: base.href,
      username,
      password,
      auth: options.auth ?? "auto",
      maxSockets: options.maxSockets ?? DEFAULTS.maxSockets,
    });
    const scheme = base.protocol === "https:" ? "webdavs" : "webdav";
    const user = username ? `${encodeURIComponent(username)}@` : "";
    this.root = `${scheme}://${user}${base.host}${base.pathname}`;
    this.identity = `webdav:${username ?? ""}@${base.origin}`;
    this.ocMtime = options.vendor === "owncloud" || options.vendor === "nextcloud";
    this.atomicUploads = options.atomicUploads ?? true;
    this.listConcurrency = options.listConcurrency ?? DEFAULTS.listConcurrency;
    this.capabilities = webdavCapabilities(base.origin, { vendor: options.vendor, atomicUploads: this.atomicUploads });
  }

  // ---- listing -------------------------------------------------------------------------

  async *list(prefix = "", options: ListOptions = {}): AsyncIterable<Entry> {
    if (prefix && keyProblem(prefix)) validateKey(prefix, ADAPTER_NAME);
    yield* sortedWalk({
      listDirectory: (dirKey, signal) => this.listCollection(dirKey, signal),
      prefix,
      startAfter: options.startAfter,
      dirs: options.dirs,
      prefetch: options.concurrency ?? this.listConcurrency,
      signal: options.signal,
    });
  }

  /** PROPFIND depth 1 of one collection; undefined when it does not exist or is a file. */
  private async listCollection(dirKey: string, signal?: AbortSignal): Promise<WalkChild[] | undefined> {
    const url = this.session.url(dirKey, true);
    const resources = await this.propfind(url, "1", signal, { key: dirKey || undefined, operation: "list" });
    if (!resources) return undefined;
    const { self, members } = splitListing(resources, DavSession.decodedPath(url));
    if (self && !self.isCollection) return undefined;
    const children: WalkChild[] = [];
    for (const r of members) {
      if (TEMP_NAME.test(r.name)) continue;
      children.push({ name: r.name, isDir: r.isCollection, entry: (key) => entryOf(key, r) });
    }
    return children;
  }

  private async propfind(url: string, depth: "0" | "1", signal: AbortSignal | undefined, context: { key?: string; operation: string }): Promise<DavResource[] | undefined> {
    try {
      const response = await this.session.request("PROPFIND", url, {
        headers: { Depth: depth, Accept: "application/xml,text/xml", "Content-Type": "application/xml; charset=utf-8" },
        body: PROPFIND_BODY,
        // 409: a path through a file ("file.txt/below") on some servers
        accept: [404, 409],
        signal,
      });
      if (response.status === 404 || response.status === 409) {
        discard(response);
        return undefined;
      }
      return await parseMultistatus(await response.text());
    } catch (e) {
      throw toWebdavError(e, context);
    }
  }

  async stat(key: string, options: OperationOptions = {}): Promise<Entry | undefined> {
    validateKey(key, ADAPTER_NAME);
    const url = this.session.url(key);
    const resources = await this.propfind(url, "0", options.signal, { key, operation: "stat" });
    if (!resources) return undefined;
    // depth 0 answers with the resource alone, however the server spells its path
    const r = splitListing(resources, DavSession.decodedPath(url)).self ?? (resources.length === 1 ? resources[0] : undefined);
    return r ? entryOf(key, r) : undefined;
  }

  async probe(options: OperationOptions = {}): Promise<{ exists: boolean }> {
    const resources = await this.propfind(this.session.baseUrl, "0", options.signal, { operation: "probe" });
    if (!resources || resources.length === 0) return { exists: false };
    if (!resources[0]!.isCollection) throw new FerryError("Usage", `${this.root} is a file, not a collection`, { adapter: ADAPTER_NAME });
    return { exists: true };
  }

  // ---- reading -------------------------------------------------------------------------

  async read(key: string, options: ReadOptions = {}): Promise<Readable> {
    validateKey(key, ADAPTER_NAME);
    const { range, signal } = options;
    const map = (e: unknown) => toWebdavError(e, { key, operation: "read" });
    try {
      const headers: Record<string, string> = {};
      if (range) headers.Range = `bytes=${range.start}-${range.end ?? ""}`;
      // 416: the range starts at or past the end, which reads as nothing
      const response = await this.session.request("GET", this.session.url(key), { headers, signal, accept: [416] });
      if (response.status === 416) {
        discard(response);
        return mappedErrors(emptyStream(), map);
      }
      const body = response.body!;
      // a server that ignores Range sends the whole body with 200
      const stream = range && response.status === 200 ? sliceOf(body, range.start, range.end) : body;
      return mappedErrors(stream, map);
    } catch (e) {
      throw map(e);
    }
  }

  // ---- writing -------------------------------------------------------------------------

  checkWriteMeta(meta: WriteMeta): void {
    for (const name of UNKEPT) {
      if (meta[name] !== undefined) throw new FerryError("Unsupported", `webdav cannot keep ${name}`, { adapter: ADAPTER_NAME });
    }
    if (meta.metadata && Object.keys(meta.metadata).length > 0) {
      throw new FerryError("Unsupported", "webdav cannot keep user metadata", { adapter: ADAPTER_NAME });
    }
  }

  async write(key: string, body: Readable, meta: WriteMeta, options: WriteOptions = {}): Promise<WriteResult> {
    const { signal } = options;
    try {
      validateKey(key, ADAPTER_NAME);
      this.checkWriteMeta(meta);
      signal?.throwIfAborted();
      await this.session.authenticate(signal);
      await this.ensureCollection(parentKey(key), signal);
    } catch (e) {
      body.destroy();
      throw toWebdavError(e, { key, operation: "write" });
    }
    const target = this.atomicUploads ? this.temporarySibling(key) : key;
    const digest = this.session.usesDigest;
    const headers: Record<string, string> = { "Content-Type": meta.contentType ?? "application/octet-stream" };
    // with digest, a re-sent request carries an empty body: chunked, so it cannot leave the server
    // waiting for a promised length (the size check below catches it)
    if (meta.size !== undefined && !digest) headers["Content-Length"] = String(meta.size);
    const seconds = this.ocMtime && meta.mtime !== undefined ? Math.floor(meta.mtime / 1000) : undefined;
    if (seconds !== undefined) headers["X-OC-Mtime"] = String(seconds);
    const sent = countedBody(body, meta.size, options.onProgress);
    try {
      const response = await this.session.request("PUT", this.session.url(target), { headers, body: sent, signal });
      discard(response);
      if (digest) await this.expectStoredSize(target, sent.bytes(), key, signal);
      if (seconds !== undefined && response.headers.get("x-oc-mtime") !== "accepted") {
        throw new FerryError("Unsupported", "the server ignored X-OC-Mtime, so it cannot keep modification times", {
          adapter: ADAPTER_NAME,
          key,
          hint: "use --webdav-vendor other for this server",
        });
      }
      if (target !== key) await this.moveInto(target, key, signal);
      return { ...(meta.size !== undefined ? { size: meta.size } : {}), ...(seconds !== undefined ? { mtime: seconds * 1000 } : {}) };
    } catch (e) {
      body.destroy();
      // a partial temporary (or, without atomic uploads, a partial file) goes
      await this.removeLeftover(target);
      if (signal?.aborted) throw new FerryError("Aborted", `write ${key}: aborted`, { adapter: ADAPTER_NAME, key, cause: e });
      throw toWebdavError(e, { key, operation: "write" });
    }
  }

  /**
   * Best-effort removal after a failed upload. A server may still be handling the aborted PUT
   * (rclone's, for one, creates or finishes the file after the connection dropped), so the DELETE
   * is repeated a few times over the next seconds in the background, and `close()` runs any
   * still-pending repeat at once. Listings hide temporary names either way.
   */
  private async removeLeftover(key: string): Promise<void> {
    const url = this.session.url(key);
    const remove = () => this.session.request("DELETE", url, { accept: [404] }).then((r) => (discard(r), r.status), () => 0);
    await remove();
    let delays = [...LEFTOVER_RETRY_MS];
    const next = () => {
      const delay = delays.shift();
      if (delay === undefined) return void this.leftovers.delete(url);
      const timer = setTimeout(() => void remove().then(next), delay);
      timer.unref();
      this.leftovers.set(url, () => (clearTimeout(timer), (delays = []), remove()));
    };
    next();
  }

  /** Catches a digest re-authentication that re-sent an upload without its (used-up) body. */
  private async expectStoredSize(target: string, bytes: number, key: string, signal?: AbortSignal): Promise<void> {
    const stored = await this.stat(target, { signal });
    if (stored?.size !== bytes) {
      throw new FerryError("Transient", `write ${key}: the server stored ${stored?.size ?? "nothing"} of ${bytes} bytes (re-authenticated mid-upload?)`, {
        adapter: ADAPTER_NAME,
        key,
      });
    }
  }

  /** Server-side COPY from another location on the same server (and account). */
  async copy(source: Adapter, sourceKey: string, key: string, meta: WriteMeta, options: WriteOptions = {}): Promise<WriteResult> {
    validateKey(sourceKey, ADAPTER_NAME);
    validateKey(key, ADAPTER_NAME);
    if (!(source instanceof WebdavAdapter) || source.identity !== this.identity) {
      throw new FerryError("Unsupported", "webdav copies server-side only within one server and account", { adapter: ADAPTER_NAME, key });
    }
    const { signal } = options;
    const target = this.atomicUploads ? this.temporarySibling(key) : key;
    try {
      await this.ensureCollection(parentKey(key), signal);
      const response = await this.session.request("COPY", source.session.url(sourceKey), {
        headers: { Destination: this.session.url(target), Overwrite: "T", Depth: "0" },
        signal,
      });
      discard(response);
      if (this.ocMtime && meta.mtime !== undefined) {
        const copied = await this.stat(target, { signal });
        if (copied?.mtime === undefined || Math.abs(copied.mtime - meta.mtime) >= 1000) {
          // COPY stamped a new mtime and only a PUT can set one: send the bytes through after all
          await this.removeLeftover(target);
          return await this.write(key, await source.read(sourceKey, { signal }), meta, options);
        }
      }
      if (target !== key) await this.moveInto(target, key, signal);
      return meta.size !== undefined ? { size: meta.size } : {};
    } catch (e) {
      if (target !== key) await this.removeLeftover(target);
      throw toWebdavError(e, { key: sourceKey, operation: "copy" });
    }
  }

  async move(fromKey: string, toKey: string, options: OperationOptions = {}): Promise<void> {
    validateKey(fromKey, ADAPTER_NAME);
    validateKey(toKey, ADAPTER_NAME);
    try {
      // a missing source is NotFound before any collection is made for the target
      if (!(await this.stat(fromKey, options))) throw new HttpStatusError(404, "Not Found");
      await this.ensureCollection(parentKey(toKey), options.signal);
      await this.moveInto(fromKey, toKey, options.signal);
    } catch (e) {
      throw toWebdavError(e, { key: fromKey, operation: "move" });
    }
  }

  private async moveInto(fromKey: string, toKey: string, signal?: AbortSignal): Promise<void> {
    const response = await this.session.request("MOVE", this.session.url(fromKey), {
      headers: { Destination: this.session.url(toKey), Overwrite: "T" },
      signal,
    });
    discard(response);
  }

  async mkdir(key: string, options: OperationOptions = {}): Promise<void> {
    validateKey(key, ADAPTER_NAME);
    try {
      await this.ensureCollection(key.replace(/\/$/, ""), options.signal);
    } catch (e) {
      throw toWebdavError(e, { key, operation: "mkdir" });
    }
  }

  /** MKCOL each missing collection down to `dirKey` ("" is the root), remembering what exists. */
  private ensureCollection(dirKey: string, signal?: AbortSignal): Promise<void> {
    return this.ensureCollectionUrl(this.session.url(dirKey, true), signal);
  }

  private async ensureCollectionUrl(url: string, signal?: AbortSignal): Promise<void> {
    if (this.knownCollections.has(url)) return;
    let pending = this.creatingCollections.get(url);
    if (!pending) {
      pending = this.makeCollection(url, signal).finally(() => this.creatingCollections.delete(url));
      this.creatingCollections.set(url, pending);
    }
    await pending;
  }

  private async makeCollection(url: string, signal?: AbortSignal): Promise<void> {
    // 201 made, 405 already there; 409 the parent is missing (the root's own parents too)
    let response = await this.session.request("MKCOL", url, { accept: [405, 409], signal });
    discard(response);
    if (response.status === 409) {
      const parent = new URL("..", url).href;
      if (parent === url) throw new HttpStatusError(409, "Conflict");
      await this.ensureCollectionUrl(parent, signal);
      response = await this.session.request("MKCOL", url, { accept: [405], signal });
      discard(response);
    }
    if (this.knownCollections.size >= KNOWN_COLLECTIONS_LIMIT) this.knownCollections.clear();
    this.knownCollections.add(url);
  }

  async delete(keys: readonly string[], options: OperationOptions = {}): Promise<DeleteOutcome[]> {
    const outcomes: DeleteOutcome[] = new Array(keys.length);
    let next = 0;
    const worker = async () => {
      while (next < keys.length) {
        const i = next++;
        const key = keys[i]!;
        try {
          validateKey(key, ADAPTER_NAME);
          await this.remove(key, options.signal);
          outcomes[i] = { key };
        } catch (e) {
          outcomes[i] = { key, error: toWebdavError(e, { key, operation: "delete" }) };
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(8, keys.length) }, worker));
    return outcomes;
  }

  /**
   * DELETE of a collection takes everything in it (RFC 4918 allows nothing else), so a
   * collection is only deleted after a look shows it empty: ferry never removes what it did
   * not list (excluded keys, concurrent writes).
   */
  private async remove(key: string, signal?: AbortSignal): Promise<void> {
    const url = this.session.url(key);
    const resources = await this.propfind(url, "1", signal, { key, operation: "delete" });
    if (!resources) return;
    const { self: me, members } = splitListing(resources, DavSession.decodedPath(url));
    if (!me) return;
    if (me.isCollection && members.some((r) => !TEMP_NAME.test(r.name))) {
      throw new FerryError("Conflict", `delete ${key}: the directory is not empty`, { adapter: ADAPTER_NAME, key });
    }
    const response = await this.session.request("DELETE", this.session.url(key, me.isCollection), { accept: [404], signal });
    discard(response);
    if (me.isCollection) this.knownCollections.clear();
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.leftovers.values()].map((now) => now()));
    this.leftovers.clear();
    this.session.close();
  }

  private temporarySibling(key: string): string {
    const parent = parentKey(key);
    const name = `.ferry-${randomBytes(6).toString("hex")}.tmp`;
    return parent ? `${parent}/${name}` : name;
  }
}

function parentKey(key: string): string {
  const trimmed = key.replace(/\/$/, "");
  const slash = trimmed.lastIndexOf("/");
  return slash === -1 ? "" : trimmed.slice(0, slash);
}

function entryOf(key: string, r: DavResource): Entry {
  return {
    key,
    size: r.size,
    type: r.isCollection ? "dir" : "file",
    ...(r.mtime !== undefined ? { mtime: r.mtime } : {}),
    ...(r.etag && !r.isCollection ? { etag: r.etag } : {}),
  };
}

function emptyStream(): Readable {
  return Readable.from([]);
}

/** What a WebDAV server can do for ferry (exported for `ferry adapters`). */
export function webdavCapabilities(origin: string, options: Pick<WebdavOptions, "vendor" | "atomicUploads"> = {}): Capabilities {
  const ocMtime = options.vendor === "owncloud" || options.vendor === "nextcloud";
  return {
    ...DEFAULT_CAPABILITIES,
    // plain WebDAV stamps upload time; only X-OC-Mtime servers keep the source's
    mtime: ocMtime ? "native" : "none",
    mtimePrecision: 1000,
    mtimeInList: true,
    hashes: [],
    etag: `webdav:${origin}`,
    serverSideCopy: true,
    serverSideMove: true,
    rangeReads: true,
    atomicWrites: options.atomicUploads ?? true,
    emptyDirectories: true,
    caseSensitive: true,
    symlinks: false,
    permissions: false,
  };
}
