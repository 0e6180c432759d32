import type { Entry } from "@ferry/core";
import { openLocation } from "./locations.js";
import type { ListOptionsSdk, Location } from "./options.js";
import { buildFilter } from "./settings.js";

/**
 * Lists a location's keys in byte order, filtered. With `recursive: false` only the first
 * level is shown, with sub-folders as `type: "dir"` entries (`name/`), like `aws s3 ls`.
 */
export async function* list(location: Location, options: ListOptionsSdk = {}): AsyncGenerator<Entry> {
  const filter = buildFilter(options);
  const adapter = await openLocation(location, {
    ...(options.adapterOptions ? { adapterOptions: options.adapterOptions } : {}),
    ...(options.remotes ? { remotes: options.remotes } : {}),
    ...(options.env ? { env: options.env } : {}),
  });
  try {
    let lastDir: string | undefined;
    let count = 0;
    for await (const entry of adapter.list("", options.signal ? { signal: options.signal } : {})) {
      if (!filter.includes(entry.key, entry)) continue;
      if (options.recursive === false) {
        const slash = entry.key.indexOf("/");
        if (slash !== -1) {
          const dir = entry.key.slice(0, slash + 1);
          if (dir !== lastDir) {
            lastDir = dir;
            yield { key: dir, size: 0, type: "dir" };
          }
          continue;
        }
      }
      if (options.limit !== undefined && count++ >= options.limit) break;
      yield entry;
    }
  } finally {
    if (typeof location === "string") await adapter.close?.();
  }
}
