import { AnonymousCredential, BlobServiceClient, StorageSharedKeyCredential, type StoragePipelineOptions } from "@azure/storage-blob";
import type { TokenCredential } from "@azure/identity";
import { FerryError } from "@ferry/core";
import type { AzureAdapterOptions, AzureCredential } from "./options.js";

/**
 * Builds the BlobServiceClient for a location from, in this order: a ready client, a
 * connection string, account + key, account + SAS token, account + a credential (default:
 * DefaultAzureCredential, loaded only when first asked for a token).
 */

export interface ServiceSetup {
  service: BlobServiceClient;
  /** service URL for messages and identity: no SAS, no key */
  endpoint: string;
  identity: string;
  secrets: string[];
}

export function setupService(o: AzureAdapterOptions): ServiceSetup {
  const pipeline: StoragePipelineOptions = {
    retryOptions: {
      maxTries: o.maxTries ?? 4,
      retryDelayInMs: 200,
      maxRetryDelayInMs: 10_000,
    },
    keepAliveOptions: { enable: true },
  };
  const secrets = [o.accountKey, o.sasToken, o.connectionString, ...connectionStringSecrets(o.connectionString)].filter(
    (s): s is string => typeof s === "string" && s.length > 0,
  );
  if (o.sasToken) secrets.push(o.sasToken.replace(/^\?/, ""));

  let service: BlobServiceClient;
  if (o.serviceClient) {
    service = o.serviceClient;
  } else if (o.connectionString) {
    try {
      service = BlobServiceClient.fromConnectionString(o.connectionString, pipeline);
    } catch {
      // the SDK's message may quote the string; ours never does
      throw new FerryError("Usage", "azure: the connection string is not valid", {
        adapter: "azure",
        hint: "it looks like DefaultEndpointsProtocol=https;AccountName=…;AccountKey=…;EndpointSuffix=core.windows.net",
      });
    }
  } else {
    if (!o.account && !o.endpoint) {
      throw new FerryError("Usage", "azure: no storage account given", {
        adapter: "azure",
        hint: "set AZURE_STORAGE_CONNECTION_STRING, or AZURE_STORAGE_ACCOUNT with AZURE_STORAGE_KEY / AZURE_STORAGE_SAS_TOKEN, or use azure://account/container/",
      });
    }
    const base = (o.endpoint ?? `https://${o.account}.blob.core.windows.net`).replace(/\/+$/, "");
    let credential: AzureCredential;
    let url = base;
    if (o.accountKey) {
      credential = new StorageSharedKeyCredential(o.account ?? accountFromUrl(base), o.accountKey);
    } else if (o.sasToken) {
      url = `${base}?${o.sasToken.replace(/^\?/, "")}`;
      credential = new AnonymousCredential();
    } else {
      credential = o.credential ?? lazyDefaultCredential();
    }
    service = new BlobServiceClient(url, credential, pipeline);
  }
  const endpoint = withoutQuery(service.url);
  return { service, endpoint, identity: o.identity ?? `azure:${endpoint.replace(/\/+$/, "").toLowerCase()}`, secrets };
}

function withoutQuery(url: string): string {
  const i = url.indexOf("?");
  return i === -1 ? url : url.slice(0, i);
}

/** Azurite and other path-style endpoints carry the account as the first path segment. */
function accountFromUrl(url: string): string {
  const u = new URL(url);
  const first = u.pathname.split("/").find(Boolean);
  return first ?? u.hostname.split(".")[0]!;
}

function connectionStringSecrets(cs: string | undefined): string[] {
  if (!cs) return [];
  const out: string[] = [];
  for (const part of cs.split(";")) {
    const eq = part.indexOf("=");
    if (eq === -1) continue;
    const name = part.slice(0, eq).trim().toLowerCase();
    if (name === "accountkey" || name === "sharedaccesssignature") out.push(part.slice(eq + 1));
  }
  return out;
}

/**
 * DefaultAzureCredential without paying for @azure/identity (a large import) unless a token is
 * actually needed: connection-string and key users never load it.
 */
function lazyDefaultCredential(): TokenCredential {
  let real: Promise<TokenCredential> | undefined;
  return {
    async getToken(scopes, options) {
      real ??= import("@azure/identity").then((m) => new m.DefaultAzureCredential());
      return (await real).getToken(scopes, options);
    },
  };
}
