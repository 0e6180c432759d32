import { defineConfig } from "vitest/config";

// One vitest run over every package (each package keeps its own vitest.config.ts).
export default defineConfig({
  test: {
    projects: ["packages/*", "adapters/*", "apps/*", "tooling/bench", "tooling/scripts"],
  },
});
