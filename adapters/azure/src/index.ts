export { AzureAdapter, AZURE_CAPABILITIES, AZURE_CAPABILITIES as capabilities, azure } from "./azure-adapter.js";
export { fromUrl, optionsFromUrl } from "./url.js";
export type { AzureAdapterOptions, AzureCredential } from "./options.js";
