import { randomBytes } from "node:crypto";
import { BlobServiceClient, type ContainerClient } from "@azure/storage-blob";
import { azure, type AzureAdapter, type AzureAdapterOptions } from "../src/index.js";

/**
 * The Azurite that tooling/test-servers started. Without it these tests fail — a missing server
 * must never look like a passing run.
 */
export function azureServer(): { connectionString: string; endpoint: string; account: string; accountKey: string } {
  const need = (name: string): string => {
    const v = process.env[name];
    if (!v) {
      throw new Error(
        `${name} is not set: the Azure tests need the Azurite test server. Run them with ` +
          "`node tooling/test-servers/bin/with-servers.mjs --only azure -- npx vitest run` (from the repository root or adapters/azure).",
      );
    }
    return v;
  };
  const connectionString = need("FERRY_TEST_AZURE_CONNECTION_STRING");
  const endpoint = need("FERRY_TEST_AZURE_BLOB_ENDPOINT");
  const field = (name: string) => new RegExp(`${name}=([^;]+)`).exec(connectionString)?.[1] ?? "";
  return { connectionString, endpoint, account: field("AccountName"), accountKey: field("AccountKey") };
}

export function rawService(): BlobServiceClient {
  return BlobServiceClient.fromConnectionString(azureServer().connectionString);
}

/** A fresh container per test file, so files can run in parallel against one server. */
export async function createContainer(service: BlobServiceClient, label: string): Promise<ContainerClient> {
  const container = service.getContainerClient(`ferry-${label}-${randomBytes(4).toString("hex")}`);
  await container.create();
  return container;
}

export function testAdapter(container: string, extra: Partial<AzureAdapterOptions> = {}): AzureAdapter {
  return azure({ container, connectionString: azureServer().connectionString, ...extra });
}
