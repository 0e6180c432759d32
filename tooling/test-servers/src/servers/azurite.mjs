import { createRequire } from "node:module";
import { freePort, waitForPort } from "../ports.mjs";
import { spawnGroup } from "../process-group.mjs";

/**
 * Azurite's blob service (npm) as the Azure test server.
 * - `--skipApiVersionCheck`: @azure/storage-blob sends API versions newer than Azurite knows.
 * - `--inMemoryPersistence`: nothing to clean up, and faster than its on-disk store.
 * - `--disableTelemetry`: no network calls from a test run.
 * - `--loose`: ignore headers Azurite does not implement instead of failing the request.
 * - a keep-alive timeout longer than the SDK's idle sockets live, so a reused socket is not
 *   closed under a request (the default of 5 s shows up as sporadic ECONNRESET).
 * Azurite 3.37 declares engines node ≥22 but runs on Node 20.
 */
export const name = "azure";

const require = createRequire(import.meta.url);

// Azurite's fixed development account; the key is public (documented by Microsoft) and only
// ever accepted by the emulator.
const ACCOUNT = "devstoreaccount1";
const ACCOUNT_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

export async function start({ dir, log }) {
  const bin = require.resolve("azurite/dist/src/blob/main.js");
  const port = await freePort();
  const server = spawnGroup(
    process.execPath,
    [
      bin,
      "--blobHost", "127.0.0.1",
      "--blobPort", String(port),
      "--skipApiVersionCheck",
      "--inMemoryPersistence",
      "--disableTelemetry",
      "--loose",
      "--silent",
      "--blobKeepAliveTimeout", "120",
    ],
    { cwd: dir },
    log,
  );
  try {
    await Promise.race([waitForPort(port, { timeoutMs: 60_000 }), server.exited.then((c) => Promise.reject(new Error(`azurite exited early (${c})${server.tail()}`)))]);
  } catch (e) {
    await server.stop();
    throw e;
  }
  const endpoint = `http://127.0.0.1:${port}/${ACCOUNT}`;
  return {
    env: {
      FERRY_TEST_AZURE_CONNECTION_STRING: `DefaultEndpointsProtocol=http;AccountName=${ACCOUNT};AccountKey=${ACCOUNT_KEY};BlobEndpoint=${endpoint};`,
      FERRY_TEST_AZURE_BLOB_ENDPOINT: endpoint,
      FERRY_TEST_AZURE_ACCOUNT: ACCOUNT,
      FERRY_TEST_AZURE_ACCOUNT_KEY: ACCOUNT_KEY,
    },
    stop: () => server.stop(),
  };
}
