export { MemoryAdapter, memory, CAPABILITIES as capabilities, type MemoryOptions } from "./memory-adapter.js";
export { fromUrl } from "./location-url.js";
export { clearMemoryStore } from "./store.js";
