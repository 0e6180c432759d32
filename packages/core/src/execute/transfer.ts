import { createHash, type Hash } from "node:crypto";
import { PassThrough, Transform, type Readable } from "node:stream";
import { createRequire } from "node:module";
import type { Side, TransferAction } from "../actions.js";
import { type Adapter, type WriteMeta, type WriteOptions, type WriteResult, canCopyServerSide } from "../adapter.js";
import { FerryError, toFerryError } from "../errors.js";
import type { EventSink, TransferOp } from "../events.js";
import type { Backup } from "./backup.js";
import { type RetryPolicy, withRetries } from "./retry.js";
import { type RateLimiter, throttled } from "./throttle.js";

let mimeModule: typeof import("mime-types") | undefined;
/** mime-types parses a 200 KB database on load: only a run that writes something pays for it. */
function mimeTypes(): typeof import("mime-types") {
  mimeModule ??= createRequire(import.meta.url)("mime-types") as typeof import("mime-types");
  return mimeModule;
}

/** Object attributes applied on upload (SPEC §7). */
export type UploadAttributes = Pick<
  WriteMeta,
  "contentType" | "cacheControl" | "contentDisposition" | "metadata" | "storageClass" | "sse" | "sseKmsKeyId" | "acl" | "accessTier"
>;

export interface TransferContext {
  adapters: Record<Side, Adapter>;
  retry: RetryPolicy;
  signal?: AbortSignal;
  attributes?: UploadAttributes;
  multipartThreshold?: number;
  multipartChunkSize?: number;
  partConcurrency?: number;
  /** keep POSIX modes (--perms) */
  perms?: boolean;
  verify?: boolean;
  bandwidth?: RateLimiter;
  requests?: RateLimiter;
  backup?: Backup;
  emit: EventSink;
  /** running count of body bytes moved, for speed/ETA */
  onBytes?: (delta: number) => void;
}

/** The settings of a TransferContext that are plain data: cluster workers receive them as they are. */
export type TransferSettings = Pick<TransferContext, "attributes" | "multipartThreshold" | "multipartChunkSize" | "partConcurrency" | "perms" | "verify">;

/** The transfer settings `from` sets, and no key for those it leaves unset. */
export function transferSettingsOf(from: TransferSettings): TransferSettings {
  return {
    ...(from.attributes ? { attributes: from.attributes } : {}),
    ...(from.multipartThreshold !== undefined ? { multipartThreshold: from.multipartThreshold } : {}),
    ...(from.multipartChunkSize !== undefined ? { multipartChunkSize: from.multipartChunkSize } : {}),
    ...(from.partConcurrency !== undefined ? { partConcurrency: from.partConcurrency } : {}),
    ...(from.perms ? { perms: true } : {}),
    ...(from.verify ? { verify: true } : {}),
  };
}

export interface TransferOutcome {
  action: TransferAction;
  op: TransferOp;
  ok: boolean;
  bytes: number;
  elapsedMs: number;
  error?: FerryError;
}

const PROGRESS_EVERY_MS = 250;

export function transferOp(from: Adapter, to: Adapter, serverSide: boolean): TransferOp {
  if (serverSide) return "server-copy";
  const fromLocal = from.name === "local";
  const toLocal = to.name === "local";
  if (fromLocal && !toLocal) return "upload";
  if (!fromLocal && toLocal) return "download";
  return "copy";
}

/**
 * Carries one planned transfer out, with retries; never throws (the outcome says).
 * `onCommitWait` is the destination's signal that this transfer only waits for a shared commit
 * (WriteOptions.onCommitWait); it may come once per attempt.
 */
export async function transferOne(action: TransferAction, ctx: TransferContext, onCommitWait?: () => void): Promise<TransferOutcome> {
  const from = ctx.adapters[action.from];
  const to = ctx.adapters[action.to];
  // a local "server-side" copy still moves the bytes on this machine, so --bwlimit must see them
  const serverSide =
    canCopyServerSide(from, to) &&
    action.source.type !== "symlink" &&
    action.source.type !== "dir" &&
    !(ctx.bandwidth && from.name === "local");
  const op = transferOp(from, to, serverSide);
  const started = Date.now();
  ctx.emit({ type: "transfer-start", action, op });
  let counted = 0;
  try {
    const bytes = await withRetries(
      async () => {
        // a retry starts from zero: take back what the failed attempt reported
        if (counted) ctx.onBytes?.(-counted);
        counted = 0;
        const onBytes = (n: number) => {
          counted += n;
          ctx.onBytes?.(n);
        };
        await ctx.requests?.take(1, ctx.signal);
        return transferAttempt(action, from, to, serverSide, ctx, onBytes, onCommitWait);
      },
      ctx.retry,
      ctx.signal,
    );
    return { action, op, ok: true, bytes, elapsedMs: Date.now() - started };
  } catch (e) {
    if (counted) ctx.onBytes?.(-counted);
    const error = toFerryError(e, { key: action.key, adapter: to.name });
    return { action, op, ok: false, bytes: 0, elapsedMs: Date.now() - started, error };
  }
}

async function transferAttempt(
  action: TransferAction,
  from: Adapter,
  to: Adapter,
  serverSide: boolean,
  ctx: TransferContext,
  onBytes: (n: number) => void,
  onCommitWait: (() => void) | undefined,
): Promise<number> {
  const source = action.source;
  if (source.type === "dir") {
    if (!to.mkdir) throw new FerryError("Unsupported", `empty directories are not supported by ${to.name}`, { adapter: to.name });
    await to.mkdir(action.targetKey.replace(/\/+$/, ""), { signal: ctx.signal });
    return 0;
  }
  const meta = await writeMetaFor(action, from, ctx);
  if (action.target && ctx.backup) await ctx.backup.save(action.to, action.targetKey, ctx.signal);

  if (serverSide) {
    const result = await to.copy!(from, action.key, action.targetKey, meta, writeOptions(ctx, onCommitWait));
    onBytes(source.size);
    if (ctx.verify) await verifyWritten(to, action, result, undefined);
    return source.size;
  }

  if (source.type === "symlink") {
    const result = await to.write(action.targetKey, emptyBody(), { ...meta, symlinkTarget: source.target }, { signal: ctx.signal });
    void result;
    return 0;
  }

  const body = await from.read(action.key, { signal: ctx.signal });
  const hasher = ctx.verify ? createHash("md5") : undefined;
  const stream = meter(body, action, ctx, onBytes, hasher);
  const result = await to.write(action.targetKey, stream, meta, writeOptions(ctx, onCommitWait));
  if (ctx.verify) await verifyWritten(to, action, result, hasher?.digest("hex"));
  return source.size;
}

function writeOptions(ctx: TransferContext, onCommitWait: (() => void) | undefined): WriteOptions {
  return {
    ...(ctx.signal ? { signal: ctx.signal } : {}),
    ...(onCommitWait ? { onCommitWait } : {}),
    ...(ctx.multipartThreshold !== undefined ? { multipartThreshold: ctx.multipartThreshold } : {}),
    ...(ctx.multipartChunkSize !== undefined ? { multipartChunkSize: ctx.multipartChunkSize } : {}),
    ...(ctx.partConcurrency !== undefined ? { partConcurrency: ctx.partConcurrency } : {}),
  };
}

/** The attributes a write carries: the source's mtime and type, and the user's overrides. */
async function writeMetaFor(action: TransferAction, from: Adapter, ctx: TransferContext): Promise<WriteMeta> {
  const source = action.source;
  if (source.mtime === undefined && from.capabilities.mtime !== "none" && !from.capabilities.mtimeInList) {
    const full = await from.stat(action.key, { signal: ctx.signal });
    if (full) {
      source.mtime = full.mtime;
      source.metadata ??= full.metadata;
      source.contentType ??= full.contentType;
    }
  }
  const attrs = ctx.attributes ?? {};
  const metadata = source.metadata || attrs.metadata ? { ...source.metadata, ...attrs.metadata } : undefined;
  const contentType =
    attrs.contentType ?? source.contentType ?? (mimeTypes().lookup(action.targetKey) || undefined) ?? "application/octet-stream";
  const meta: WriteMeta = {
    size: source.size,
    ...(source.mtime !== undefined ? { mtime: source.mtime } : {}),
    ...(ctx.perms && source.mode !== undefined ? { mode: source.mode } : {}),
    contentType,
    ...(metadata ? { metadata } : {}),
    ...(source.hashes ? { hashes: source.hashes } : {}),
  };
  for (const k of ["cacheControl", "contentDisposition", "storageClass", "sse", "sseKmsKeyId", "acl", "accessTier"] as const) {
    if (attrs[k] !== undefined) meta[k] = attrs[k];
  }
  return meta;
}

/** Counts, throttles and (for --verify) hashes the body on its way through. */
function meter(body: Readable, action: TransferAction, ctx: TransferContext, onBytes: (n: number) => void, hasher?: Hash): Readable {
  let done = 0;
  let lastReport = 0;
  const counter = new Transform({
    highWaterMark: 1 << 20,
    transform(chunk: Buffer, _enc, cb) {
      done += chunk.length;
      onBytes(chunk.length);
      hasher?.update(chunk);
      const now = Date.now();
      if (now - lastReport >= PROGRESS_EVERY_MS) {
        lastReport = now;
        ctx.emit({ type: "transfer-progress", action, bytes: done });
      }
      cb(null, chunk);
    },
  });
  const forward = (from: Readable, to: Transform) => {
    from.on("error", (e) => to.destroy(e));
    return from.pipe(to);
  };
  const limited = ctx.bandwidth ? forward(body, throttled(ctx.bandwidth, ctx.signal) as Transform) : body;
  return forward(limited as Readable, counter);
}

function emptyBody(): Readable {
  const s = new PassThrough();
  s.end();
  return s;
}

/**
 * --verify: re-reads what was written — its md5 where the destination can give one, else its
 * size — and counts a mismatch as a failure.
 */
async function verifyWritten(to: Adapter, action: TransferAction, result: WriteResult, sentMd5: string | undefined): Promise<void> {
  const written = await to.stat(action.targetKey);
  if (!written) throw new FerryError("Integrity", `verify: ${action.targetKey} is missing after writing it`, { key: action.key, adapter: to.name });
  if (written.size !== action.source.size)
    throw new FerryError("Integrity", `verify: ${action.targetKey} has ${written.size} bytes, expected ${action.source.size}`, {
      key: action.key,
      adapter: to.name,
    });
  const expected = sentMd5 ?? action.source.hashes?.md5;
  if (!expected || !to.capabilities.hashes.includes("md5")) return;
  const got = written.hashes?.md5 ?? result.hashes?.md5 ?? (to.hash ? await to.hash(action.targetKey, "md5") : undefined);
  if (got && got !== expected)
    throw new FerryError("Integrity", `verify: md5 of ${action.targetKey} is ${got}, expected ${expected}`, { key: action.key, adapter: to.name });
}
