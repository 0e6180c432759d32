export { MemoryAdapter, memory, type MemoryOptions } from "./memory-adapter.js";
export { fromUrl } from "./location-url.js";
export { clearMemoryStore } from "./store.js";
