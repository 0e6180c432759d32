import { runConformance } from "@ferry/adapter-kit";
import type { ContainerClient } from "@azure/storage-blob";
import { createContainer, rawService, testAdapter } from "./server.js";

let container: ContainerClient | undefined;

runConformance({
  name: "azure (Azurite)",
  create: async () => {
    container = await createContainer(rawService(), "conformance");
    return testAdapter(container.containerName, { prefix: "root/" });
  },
  cleanup: async () => {
    await container?.deleteIfExists();
  },
});
