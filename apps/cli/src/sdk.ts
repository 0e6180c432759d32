import { FerryError } from "@ferry/core";

export type Sdk = typeof import("@ferry/sdk");

let loading: Promise<Sdk> | undefined;

/**
 * The SDK is imported on first use, so `--help`, `completion` and usage errors stay fast and
 * work even while an adapter or the engine is broken.
 */
export function loadSdk(): Promise<Sdk> {
  loading ??= import("@ferry/sdk").catch((e: unknown) => {
    loading = undefined;
    throw new FerryError("Provider", `the ferry SDK could not be loaded: ${(e as Error).message}`, { cause: e, hint: "reinstall ferry (@ferry/sdk is part of it)" });
  });
  return loading;
}

/** An SDK export that may not exist in this version (bisync lands later than sync). */
export function optionalExport<T>(sdk: Sdk, name: string): T | undefined {
  const value = (sdk as unknown as Record<string, unknown>)[name];
  return typeof value === "function" ? (value as T) : undefined;
}
