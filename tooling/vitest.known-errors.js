// Unhandled errors the suite knowingly tolerates, each with why. Everything else still fails
// the run.
//
// packages/cluster/test/redis-loss.test.ts freezes Redis (SIGSTOP) mid-run and then kills it.
// BullMQ's QueueEvents keeps a blocking read on its own connection; when that connection is
// finally torn down the pending command is rejected inside ioredis with "Connection is closed."
// and nothing in BullMQ's close path awaits it. The run itself ends correctly (Unreachable,
// no deletes — the test asserts that). Tracked as a known issue in the cluster README.
export function tolerateKnownUnhandledErrors(error) {
  const stack = String(error?.stack ?? "");
  const fromTest = String(error?.VITEST_TEST_PATH ?? "");
  const isIoredisClose = error?.message === "Connection is closed." && stack.includes("ioredis");
  if (isIoredisClose && (fromTest === "" || fromTest.includes("redis-loss"))) return false;
  return undefined;
}
