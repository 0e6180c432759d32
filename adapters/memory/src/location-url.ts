import { FerryError, type AdapterFromUrl } from "@ferry/core";
import { MemoryAdapter } from "./memory-adapter.js";

function decode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    // a lone "%" is a legal character in a key
    return part;
  }
}

/** `mem://name/prefix` → the named in-process store, rooted at prefix. */
export const fromUrl: AdapterFromUrl = (url) => {
  if (url.protocol !== "mem:" && url.protocol !== "memory:") {
    throw new FerryError("Usage", `not a memory location: ${url.protocol}// (expected mem://name/prefix)`, { adapter: "memory" });
  }
  const name = decode(url.hostname);
  if (!name) throw new FerryError("Usage", "a mem:// location needs a store name: mem://name/prefix", { adapter: "memory" });
  return new MemoryAdapter({ name, prefix: decode(url.pathname).replace(/^\/+/, "") });
};
