import { defineConfig } from "vitest/config";
import { ferryVitest } from "../../tooling/vitest.preset.js";

export default defineConfig(
  ferryVitest({
    test: {
      // tests that build S3 clients themselves would print the SDK's notice that its releases
      // after January 2027 need Node 22, once per test file; the CLI children of the e2e tests
      // get a clean environment and show that ferry keeps it out on its own
      env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
    },
  }),
);
