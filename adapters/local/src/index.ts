import { localCapabilities } from "./local-adapter.js";

export { LocalAdapter, local, localCapabilities, type LocalOptions } from "./local-adapter.js";
/** capabilities with the default options */
export const capabilities = localCapabilities();
export { fromUrl } from "./location-url.js";
