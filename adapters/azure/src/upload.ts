import { createHash, randomBytes } from "node:crypto";
import type { Readable } from "node:stream";
import { BodyReader } from "@ferry/core";
import type { BlockBlobClient } from "@azure/storage-blob";
import type { BlobAttributes } from "./attributes.js";
import { fitBlockSize } from "./options.js";

export interface UploadRequest {
  attributes: BlobAttributes;
  size?: number;
  threshold: number;
  chunkSize: number;
  concurrency: number;
  signal?: AbortSignal;
  onProgress?: (bytes: number) => void;
}

export interface UploadResult {
  etag: string | undefined;
  size: number;
  md5: string;
}

/**
 * Small bodies (below the threshold, read into memory) go up in one Put Blob; larger ones as
 * blocks staged `concurrency` at a time and committed in one Put Block List. The whole-body
 * MD5 is computed on the way and set as Content-MD5 at commit — Azure computes it itself only
 * for single-request uploads, and with it every blob ferry writes has a hash for `--checksum`.
 * Nothing is visible until the commit; blocks of an abandoned upload are never committed and
 * the service discards them (after a week at the latest).
 */
export async function uploadBlob(blob: BlockBlobClient, body: Readable, req: UploadRequest): Promise<UploadResult> {
  const reader = new BodyReader(body, req.onProgress);
  const onAbort = () => body.destroy(abortError(req.signal));
  req.signal?.addEventListener("abort", onAbort, { once: true });
  try {
    let head: Buffer[] = [];
    if (req.size === undefined || req.size < req.threshold) {
      const ended = await reader.fill(req.threshold, req.signal);
      head = reader.take();
      if (ended) return await putSmall(blob, Buffer.concat(head), req);
    }
    return await putBlocks(blob, reader, head, req);
  } finally {
    req.signal?.removeEventListener("abort", onAbort);
    reader.release();
  }
}

async function putSmall(blob: BlockBlobClient, data: Buffer, req: UploadRequest): Promise<UploadResult> {
  const md5 = createHash("md5").update(data).digest();
  const res = await blob.upload(data, data.length, {
    blobHTTPHeaders: { ...req.attributes.headers, blobContentMD5: md5 },
    metadata: req.attributes.metadata,
    ...(req.attributes.tier ? { tier: req.attributes.tier } : {}),
    ...(req.signal ? { abortSignal: req.signal } : {}),
  });
  return { etag: res.etag, size: data.length, md5: md5.toString("hex") };
}

async function putBlocks(blob: BlockBlobClient, reader: BodyReader, head: Buffer[], req: UploadRequest): Promise<UploadResult> {
  const blockSize = fitBlockSize(req.size, req.chunkSize);
  // one upload's ids share a random stem: two writers of the same blob never mix blocks
  const stem = randomBytes(6).toString("hex");
  const ids: string[] = [];
  const whole = createHash("md5");
  let total = 0;
  const stop = new AbortController();
  const onAbort = () => stop.abort(req.signal?.reason);
  req.signal?.addEventListener("abort", onAbort, { once: true });
  const running = new Set<Promise<void>>();
  let failure: { error: unknown } | undefined;
  try {
    for await (const block of reader.parts(blockSize, head, req.signal)) {
      if (failure) break;
      const id = Buffer.from(`${stem}-${String(ids.length).padStart(6, "0")}`).toString("base64");
      ids.push(id);
      whole.update(block);
      total += block.length;
      const task: Promise<void> = blob
        .stageBlock(id, block, block.length, {
          transactionalContentMD5: createHash("md5").update(block).digest(),
          abortSignal: stop.signal,
        })
        .then(
          () => undefined,
          (error: unknown) => {
            failure ??= { error };
            stop.abort(error);
          },
        );
      running.add(task);
      void task.finally(() => running.delete(task));
      while (running.size >= req.concurrency) await Promise.race(running);
    }
    await Promise.all(running);
    if (failure) throw failure.error;
    stop.signal.throwIfAborted();
    const md5 = whole.digest();
    const res = await blob.commitBlockList(ids, {
      blobHTTPHeaders: { ...req.attributes.headers, blobContentMD5: md5 },
      metadata: req.attributes.metadata,
      ...(req.attributes.tier ? { tier: req.attributes.tier } : {}),
      abortSignal: stop.signal,
    });
    return { etag: res.etag, size: total, md5: md5.toString("hex") };
  } catch (e) {
    failure ??= { error: e };
    stop.abort(failure.error);
    await Promise.allSettled(running);
    throw failure.error;
  } finally {
    req.signal?.removeEventListener("abort", onAbort);
  }
}

function abortError(signal: AbortSignal | undefined): Error {
  const reason: unknown = signal?.reason;
  if (reason instanceof Error && reason.name === "AbortError") return reason;
  return Object.assign(new Error("the write was aborted"), { name: "AbortError", cause: reason });
}
