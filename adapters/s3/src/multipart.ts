import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  type CompletedPart,
  type CreateMultipartUploadCommandInput,
  type S3Client,
} from "@aws-sdk/client-s3";
import { S3_LIMITS } from "./options.js";

/** Uploads (or copies) one part and returns its etag; must honour `signal`. */
export type PartJob = (uploadId: string, partNumber: number, signal: AbortSignal) => Promise<string>;

export interface MultipartRun {
  concurrency: number;
  signal?: AbortSignal;
}

/**
 * One multipart upload from create to complete, with up to `concurrency` parts in flight.
 * Parts come from an async iterable so the caller decides how much body is read ahead (at
 * most one part beyond those in flight). Any failure or abort cancels the parts still in
 * flight, waits for them, and aborts the upload before rethrowing — so nothing half-written
 * stays billable, and the caller returns only once that is true.
 */
export async function runMultipartUpload(
  client: S3Client,
  create: CreateMultipartUploadCommandInput,
  jobs: AsyncIterable<PartJob>,
  run: MultipartRun,
): Promise<{ etag: string | undefined; parts: number }> {
  const { Bucket, Key } = create;
  const stop = new AbortController();
  const onAbort = () => stop.abort(run.signal?.reason);
  run.signal?.addEventListener("abort", onAbort, { once: true });
  let uploadId: string | undefined;
  const running = new Set<Promise<void>>();
  let failure: { error: unknown } | undefined;
  try {
    run.signal?.throwIfAborted();
    const created = await client.send(new CreateMultipartUploadCommand(create), { abortSignal: stop.signal });
    uploadId = created.UploadId;
    if (!uploadId) throw new Error("CreateMultipartUpload returned no UploadId");
    const completed: CompletedPart[] = [];
    let partNumber = 0;
    for await (const job of jobs) {
      if (failure) break;
      stop.signal.throwIfAborted();
      const n = ++partNumber;
      if (n > S3_LIMITS.maxParts) throw new Error(`more than ${S3_LIMITS.maxParts} parts; use a larger part size`);
      const task: Promise<void> = job(uploadId, n, stop.signal).then(
        (etag) => {
          completed.push({ PartNumber: n, ETag: etag });
        },
        (error: unknown) => {
          failure ??= { error };
          stop.abort(error);
        },
      );
      running.add(task);
      void task.finally(() => running.delete(task));
      while (running.size >= run.concurrency) await Promise.race(running);
    }
    await Promise.all(running);
    if (failure) throw failure.error;
    stop.signal.throwIfAborted();
    completed.sort((a, b) => a.PartNumber! - b.PartNumber!);
    const done = await client.send(
      new CompleteMultipartUploadCommand({ Bucket, Key, UploadId: uploadId, MultipartUpload: { Parts: completed } }),
      { abortSignal: stop.signal },
    );
    uploadId = undefined;
    return { etag: done.ETag, parts: completed.length };
  } catch (e) {
    // the first failure is the story; parts cancelled because of it only echo it
    failure ??= { error: e };
    stop.abort(failure.error);
    await Promise.allSettled(running);
    throw failure.error;
  } finally {
    run.signal?.removeEventListener("abort", onAbort);
    if (uploadId !== undefined) {
      // not tied to the (aborted) signal: this request has to go out even on Ctrl-C
      await client.send(new AbortMultipartUploadCommand({ Bucket, Key, UploadId: uploadId })).catch(() => undefined);
    }
  }
}
