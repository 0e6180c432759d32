// Shared vitest settings: resolve workspace packages to their TypeScript sources (the "source"
// export condition) so unit tests never depend on a stale dist/ build.
export function ferryVitest(overrides = {}) {
  const conditions = ["source", "import", "node", "default"];
  return {
    resolve: { conditions },
    ssr: { resolve: { conditions, externalConditions: ["source"] } },
    ...overrides,
    test: {
      include: ["src/**/*.test.ts", "src/**/*.test.tsx", "test/**/*.test.ts", "test/**/*.test.tsx"],
      testTimeout: 60_000,
      hookTimeout: 120_000,
      ...(overrides.test ?? {}),
    },
  };
}
