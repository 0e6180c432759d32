export { createQueueRunner, type QueueRunnerInput, type QueueRunnerHandle } from "./coordinator.js";
export { runWorker, type WorkerOptions, type WorkerEvent } from "./worker.js";
export { probeQueue } from "./queue-connection.js";
export { parseQueueUrl, redactQueueUrl, DEFAULT_QUEUE_NAME, type QueueAddress } from "./redis-url.js";
export { DEFAULT_BATCH_KEYS, DEFAULT_BATCH_BYTES } from "./batcher.js";
