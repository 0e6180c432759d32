import http from "node:http";
import https from "node:https";
import { S3Client, type S3ClientConfig } from "@aws-sdk/client-s3";
import type { S3AdapterOptions } from "./options.js";
import type { Agents } from "./signed-put.js";

/**
 * Builds the S3Client for a location and says who it is (identity, display endpoint, secrets
 * to scrub). The settings here are the ones that matter for correctness and speed:
 * - `requestChecksumCalculation/responseChecksumValidation: "WHEN_REQUIRED"`: newer SDKs send
 *   streamed bodies as aws-chunked with trailing CRCs, which S3-compatibles (s3rver, older
 *   MinIO/Ceph) store verbatim — corrupting the object. Integrity comes from Content-MD5 instead.
 * - keep-alive agents with enough sockets for transfers × part concurrency: the default 50
 *   sockets queue requests under ferry's parallelism and new TLS handshakes per small object
 *   cost more than the upload.
 * - `followRegionRedirects`: a bucket in another region than the configured one still works.
 */

export interface ClientSetup {
  client: S3Client;
  /** endpoint for messages: the custom endpoint, or "s3.amazonaws.com (region)" */
  endpoint: string;
  /** provider + account, for server-side copy and etag comparison; never contains a secret */
  identity: string;
  /** strings to scrub from messages */
  secrets: string[];
  /** true when this adapter created the client (and so should destroy it on close) */
  owned: boolean;
  /** the client's keep-alive agents, when this adapter created the client */
  agents?: Agents;
}

const SILENT_LOGGER = { trace() {}, debug() {}, info() {}, warn() {}, error() {} };

// Distinct ids for caller-supplied clients: two adapters sharing one client share an account.
const clientIds = new WeakMap<S3Client, number>();
let nextClientId = 1;

export function setupClient(o: S3AdapterOptions): ClientSetup {
  // The SDK warns on every Node < 22 process that future SDK releases will drop it — not
  // actionable for a ferry user and noise in the CLI's output. An explicit setting wins.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

  const secrets = staticSecrets(o.credentials);
  if (o.client) {
    let id = clientIds.get(o.client);
    if (id === undefined) clientIds.set(o.client, (id = nextClientId++));
    return { client: o.client, endpoint: o.endpoint ?? "the given S3 client", identity: o.identity ?? `s3:client#${id}`, secrets, owned: false };
  }

  const maxSockets = o.maxSockets !== undefined && o.maxSockets > 0 ? o.maxSockets : 64;
  const endpoint = o.endpoint?.replace(/\/+$/, "");
  const region = o.region ?? (endpoint ? "us-east-1" : undefined);
  const agents: Agents = {
    http: new http.Agent({ keepAlive: true, maxSockets, keepAliveMsecs: 1000 }),
    https: new https.Agent({ keepAlive: true, maxSockets, keepAliveMsecs: 1000 }),
  };
  const config: S3ClientConfig = {
    forcePathStyle: o.forcePathStyle ?? endpoint !== undefined,
    followRegionRedirects: true,
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
    logger: SILENT_LOGGER,
    requestHandler: {
      httpAgent: agents.http,
      httpsAgent: agents.https,
      connectionTimeout: 10_000,
      logger: SILENT_LOGGER,
    },
  };
  if (endpoint) config.endpoint = endpoint;
  if (region) config.region = region;
  if (o.credentials) config.credentials = o.credentials;
  if (o.profile) config.profile = o.profile;
  if (o.maxAttempts !== undefined) config.maxAttempts = o.maxAttempts;

  const display = endpoint ?? `s3.amazonaws.com${region ? ` (${region})` : ""}`;
  return { client: new S3Client(config), endpoint: display, identity: o.identity ?? deriveIdentity(endpoint, o), secrets, owned: true, agents };
}

/**
 * Same identity ⇒ one account at one service: CopyObject between the two works and their etags
 * mean the same. The access key id identifies the account without being secret; with the
 * default credential chain the profile stands in for it.
 */
function deriveIdentity(endpoint: string | undefined, o: S3AdapterOptions): string {
  const service = endpoint ? endpointIdentity(endpoint) : "aws";
  const creds = o.credentials;
  const accessKeyId = creds && typeof creds === "object" && "accessKeyId" in creds ? creds.accessKeyId : undefined;
  const principal = accessKeyId ? `key:${accessKeyId}` : `profile:${o.profile ?? "default-chain"}`;
  return `s3:${service}:${principal}`;
}

function endpointIdentity(endpoint: string): string {
  try {
    const u = new URL(endpoint);
    const port = u.port || (u.protocol === "https:" ? "443" : "80");
    return `${u.protocol}//${u.hostname.toLowerCase()}:${port}${u.pathname.replace(/\/+$/, "")}`;
  } catch {
    return endpoint;
  }
}

function staticSecrets(creds: S3AdapterOptions["credentials"]): string[] {
  if (!creds || typeof creds !== "object") return [];
  const c = creds as { secretAccessKey?: string; sessionToken?: string };
  return [c.secretAccessKey, c.sessionToken].filter((s): s is string => typeof s === "string" && s.length > 0);
}
