import type { BlobClient, ContainerClient } from "@azure/storage-blob";
import type { DeleteOutcome } from "@ferry/core";
import { describeAzureError, toAzureError, type AzureErrorContext } from "./errors.js";
import { AZURE_LIMITS } from "./options.js";

export interface DeleteRequest {
  root: string;
  keys: readonly string[];
  concurrency: number;
  signal?: AbortSignal;
  errorContext: Omit<AzureErrorContext, "operation" | "key">;
}

/**
 * Blob Batch deletes, 256 blobs per request, a few requests at once; each key gets the outcome
 * of its own sub-request, and a missing blob counts as deleted. Where batches are refused (some
 * emulators, SAS tokens without batch rights) the rest is deleted blob by blob.
 */
export async function deleteBlobs(container: ContainerClient, req: DeleteRequest): Promise<DeleteOutcome[]> {
  const outcomes: DeleteOutcome[] = req.keys.map((key) => ({ key }));
  const batches: number[][] = [];
  for (let i = 0; i < req.keys.length; i += AZURE_LIMITS.maxBatch) {
    batches.push(Array.from({ length: Math.min(AZURE_LIMITS.maxBatch, req.keys.length - i) }, (_, j) => i + j));
  }
  let batchUsable = true;
  let next = 0;
  const worker = async () => {
    while (next < batches.length) {
      const batch = batches[next++]!;
      if (batchUsable) {
        try {
          await deleteBatch(container, req, batch, outcomes);
          continue;
        } catch (e) {
          if (!batchUnsupported(e)) {
            for (const i of batch) outcomes[i] = { key: req.keys[i]!, error: toAzureError(e, { ...req.errorContext, operation: "delete", key: req.keys[i]! }) };
            continue;
          }
          batchUsable = false;
        }
      }
      await deleteOneByOne(container, req, batch, outcomes);
    }
  };
  await Promise.all(Array.from({ length: Math.min(req.concurrency, batches.length) }, worker));
  return outcomes;
}

function batchUnsupported(e: unknown): boolean {
  const { code, status } = describeAzureError(e);
  return status === 501 || status === 405 || code === "NotImplemented" || code === "FeatureNotSupported" || code === "InvalidQueryParameterValue" || code === "AuthorizationResourceTypeMismatch";
}

async function deleteBatch(container: ContainerClient, req: DeleteRequest, batch: number[], outcomes: DeleteOutcome[]): Promise<void> {
  const clients: BlobClient[] = batch.map((i) => container.getBlobClient(req.root + req.keys[i]!));
  const res = await container.getBlobBatchClient().deleteBlobs(clients, req.signal ? { abortSignal: req.signal } : {});
  // sub-responses come back in request order (by Content-ID)
  res.subResponses.forEach((sub, n) => {
    const i = batch[n];
    if (i === undefined || (sub.status >= 200 && sub.status < 300) || sub.status === 404) return;
    const key = req.keys[i]!;
    const error = Object.assign(new Error(sub.statusMessage || "delete failed"), { name: "RestError", statusCode: sub.status, details: { errorCode: sub.errorCode } });
    outcomes[i] = { key, error: toAzureError(error, { ...req.errorContext, operation: "delete", key }) };
  });
}

async function deleteOneByOne(container: ContainerClient, req: DeleteRequest, batch: number[], outcomes: DeleteOutcome[]): Promise<void> {
  for (const i of batch) {
    const key = req.keys[i]!;
    try {
      await container.getBlobClient(req.root + key).deleteIfExists(req.signal ? { abortSignal: req.signal } : {});
    } catch (e) {
      outcomes[i] = { key, error: toAzureError(e, { ...req.errorContext, operation: "delete", key }) };
    }
  }
}
