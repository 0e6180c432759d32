export { AzureAdapter, AZURE_CAPABILITIES, azure } from "./azure-adapter.js";
export { fromUrl, optionsFromUrl } from "./url.js";
export type { AzureAdapterOptions, AzureCredential } from "./options.js";
