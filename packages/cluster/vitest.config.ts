import { defineConfig } from "vitest/config";
import { ferryVitest } from "../../tooling/vitest.preset.js";

export default defineConfig(
  ferryVitest({
    test: {
      // worker processes run dist/worker-bin.js: rebuild it when src/ is newer
      globalSetup: ["./test/global-setup.ts"],
      // the distributed suites share one Redis and one s3rver, and spawn workers: one file at a time
      fileParallelism: false,
      testTimeout: 180_000,
    },
  }),
);
