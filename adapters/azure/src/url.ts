import { FerryError, type AdapterFromUrl, type LocationContext } from "@ferry/core";
import { AzureAdapter } from "./azure-adapter.js";
import type { AzureAdapterOptions } from "./options.js";

/**
 * `az://container/prefix/` and `azure://account/container/prefix/` → an AzureAdapter.
 *
 * | setting           | context.options          | environment                                   |
 * |-------------------|--------------------------|-----------------------------------------------|
 * | connection string | `azureConnectionString`  | `AZURE_STORAGE_CONNECTION_STRING`             |
 * | account           | `azureAccount` (or URL)  | `AZURE_STORAGE_ACCOUNT`                       |
 * | account key       | `azureAccountKey`        | `AZURE_STORAGE_KEY`, `AZURE_STORAGE_ACCESS_KEY` |
 * | SAS token         | `azureSasToken`          | `AZURE_STORAGE_SAS_TOKEN`                     |
 * | endpoint          | `azureEndpoint`          | (e.g. Azurite's `http://127.0.0.1:10000/devstoreaccount1`) |
 *
 * A connection string wins unless the URL names another account; then account + key, account
 * + SAS, and finally DefaultAzureCredential (environment, managed identity, Azure CLI login…).
 */
export const fromUrl: AdapterFromUrl = (url, context) => new AzureAdapter(optionsFromUrl(url, context));

export function optionsFromUrl(url: URL, context: LocationContext): AzureAdapterOptions {
  const usage = (message: string, hint?: string) => new FerryError("Usage", `azure: ${message}`, { adapter: "azure", ...(hint ? { hint } : {}) });
  if (url.protocol !== "az:" && url.protocol !== "azure:") throw usage(`not an az:// or azure:// URL (${url.protocol}//…)`);
  if (url.username || url.password) {
    throw usage("credentials in the URL are not supported", "use AZURE_STORAGE_CONNECTION_STRING, AZURE_STORAGE_KEY or AZURE_STORAGE_SAS_TOKEN");
  }
  if (url.search || url.hash) throw usage("az:// URLs take no query or fragment (pass a SAS token through AZURE_STORAGE_SAS_TOKEN)");
  const path = decodeURIComponent(url.pathname.replace(/^\/+/, ""));
  let urlAccount: string | undefined;
  let container: string;
  let prefix: string;
  if (url.protocol === "azure:") {
    urlAccount = decodeURIComponent(url.hostname);
    const slash = path.indexOf("/");
    container = slash === -1 ? path : path.slice(0, slash);
    prefix = slash === -1 ? "" : path.slice(slash + 1);
    if (!urlAccount) throw usage("the URL names no account", "write azure://account/container/prefix/");
  } else {
    container = decodeURIComponent(url.hostname);
    prefix = path;
  }
  if (!container) throw usage("the URL names no container", url.protocol === "az:" ? "write az://container/prefix/" : "write azure://account/container/prefix/");

  const o = context.options;
  const env = context.env;
  const connectionString = text(o.azureConnectionString, "azureConnectionString") ?? nonEmpty(env.AZURE_STORAGE_CONNECTION_STRING);
  const endpoint = text(o.azureEndpoint, "azureEndpoint");
  if (endpoint !== undefined && !/^https?:\/\/[^/]/i.test(endpoint)) throw usage(`the endpoint ${JSON.stringify(endpoint)} is not an http(s) URL`);
  const account = urlAccount ?? text(o.azureAccount, "azureAccount") ?? nonEmpty(env.AZURE_STORAGE_ACCOUNT);
  const options: AzureAdapterOptions = { container, prefix };

  if (connectionString && (urlAccount === undefined || connectionStringAccount(connectionString) === urlAccount)) {
    options.connectionString = connectionString;
    return options;
  }
  if (!account) {
    throw usage("no storage account or connection string is configured", "set AZURE_STORAGE_CONNECTION_STRING, or AZURE_STORAGE_ACCOUNT with a key or SAS token, or write azure://account/container/");
  }
  options.account = account;
  if (endpoint !== undefined) options.endpoint = endpoint;
  // key and SAS from the environment belong to AZURE_STORAGE_ACCOUNT; not to another account named in the URL
  const envBelongs = urlAccount === undefined || urlAccount === nonEmpty(env.AZURE_STORAGE_ACCOUNT);
  const key = text(o.azureAccountKey, "azureAccountKey") ?? (envBelongs ? nonEmpty(env.AZURE_STORAGE_KEY) ?? nonEmpty(env.AZURE_STORAGE_ACCESS_KEY) : undefined);
  const sas = text(o.azureSasToken, "azureSasToken") ?? (envBelongs ? nonEmpty(env.AZURE_STORAGE_SAS_TOKEN) : undefined);
  if (key) options.accountKey = key;
  else if (sas) options.sasToken = sas;
  return options;
}

function connectionStringAccount(cs: string): string | undefined {
  for (const part of cs.split(";")) {
    const eq = part.indexOf("=");
    if (eq !== -1 && part.slice(0, eq).trim().toLowerCase() === "accountname") return part.slice(eq + 1).trim();
  }
  return undefined;
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v === "" ? undefined : v;
}

function text(v: unknown, name: string): string | undefined {
  if (v === undefined || v === null || v === "") return undefined;
  if (typeof v !== "string") throw new FerryError("Usage", `azure: option ${name} must be a string`, { adapter: "azure" });
  return v;
}
