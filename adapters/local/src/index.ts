export { LocalAdapter, local, type LocalOptions } from "./local-adapter.js";
export { fromUrl } from "./location-url.js";
