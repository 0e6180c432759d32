import { DeleteObjectsCommand, type S3Client } from "@aws-sdk/client-s3";
import { FerryError, type DeleteOutcome } from "@ferry/core";
import { toS3Error, type S3ErrorContext } from "./errors.js";
import { S3_LIMITS } from "./options.js";

export interface DeleteRequest {
  bucket: string;
  /** the location prefix, to turn relative keys into object keys */
  root: string;
  keys: readonly string[];
  concurrency: number;
  signal?: AbortSignal;
  errorContext: Omit<S3ErrorContext, "operation" | "key">;
}

/**
 * DeleteObjects, 1,000 keys per call and a few calls at once. Quiet mode makes S3 report only
 * the keys it could not delete, so each key gets its own outcome; a call that fails as a whole
 * fails each of its keys. Deleting a missing key is a success, as in S3.
 */
export async function deleteObjects(client: S3Client, req: DeleteRequest): Promise<DeleteOutcome[]> {
  const outcomes: DeleteOutcome[] = req.keys.map((key) => ({ key }));
  const batches: number[][] = [];
  for (let i = 0; i < req.keys.length; i += S3_LIMITS.maxDeleteBatch) {
    batches.push(Array.from({ length: Math.min(S3_LIMITS.maxDeleteBatch, req.keys.length - i) }, (_, j) => i + j));
  }
  let nextBatch = 0;
  const worker = async () => {
    while (nextBatch < batches.length) {
      const batch = batches[nextBatch++]!;
      await deleteBatch(client, req, batch, outcomes);
    }
  };
  await Promise.all(Array.from({ length: Math.min(req.concurrency, batches.length) }, worker));
  return outcomes;
}

async function deleteBatch(client: S3Client, req: DeleteRequest, batch: number[], outcomes: DeleteOutcome[]): Promise<void> {
  const byObjectKey = new Map<string, number[]>();
  for (const i of batch) {
    const objectKey = req.root + req.keys[i]!;
    byObjectKey.set(objectKey, [...(byObjectKey.get(objectKey) ?? []), i]);
  }
  try {
    const res = await client.send(
      new DeleteObjectsCommand({
        Bucket: req.bucket,
        Delete: { Quiet: true, Objects: [...byObjectKey.keys()].map((Key) => ({ Key })) },
      }),
      { abortSignal: req.signal },
    );
    for (const err of res.Errors ?? []) {
      for (const i of byObjectKey.get(err.Key ?? "") ?? []) {
        const key = req.keys[i]!;
        const e = toS3Error(Object.assign(new Error(err.Message ?? "delete failed"), { name: err.Code ?? "Error", Code: err.Code }), {
          ...req.errorContext,
          operation: "delete",
          key,
        });
        // already gone is what a delete wants
        if (e.code !== "NotFound") outcomes[i] = { key, error: e };
      }
    }
  } catch (e) {
    for (const i of batch) {
      const key = req.keys[i]!;
      const error: FerryError = toS3Error(e, { ...req.errorContext, operation: "delete", key });
      outcomes[i] = { key, error };
    }
  }
}
