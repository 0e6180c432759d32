import { SortedKeys } from "./sorted-keys.js";

/** One object as the store keeps it. Records are replaced, never mutated, so readers may hold one. */
export interface StoredObject {
  readonly body: Buffer;
  readonly mtime: number;
  /** lowercase hex, computed while the body streamed in */
  readonly md5: string;
  readonly contentType?: string;
  readonly metadata?: Readonly<Record<string, string>>;
  readonly mode?: number;
}

/** A named in-process bucket: objects by full key, plus the keys in byte order for listing. */
export class MemoryStore {
  private readonly objects = new Map<string, StoredObject>();
  private readonly keys = new SortedKeys();

  get(key: string): StoredObject | undefined {
    return this.objects.get(key);
  }

  put(key: string, object: StoredObject): void {
    if (!this.objects.has(key)) this.keys.insert(key);
    this.objects.set(key, object);
  }

  remove(key: string): boolean {
    if (!this.objects.delete(key)) return false;
    this.keys.remove(key);
    return true;
  }

  clear(): void {
    this.objects.clear();
    this.keys.clear();
  }

  get size(): number {
    return this.objects.size;
  }

  /** See SortedKeys.page. */
  keyPage(from: string, inclusive: boolean, limit: number): string[] {
    return this.keys.page(from, inclusive, limit);
  }
}

/**
 * The per-process registry. Kept on globalThis under a registered symbol so that two copies of
 * this module (say, dist and source in one test run) still share `mem://name` stores.
 */
const REGISTRY = Symbol.for("@ferry/adapter-memory/stores");

function registry(): Map<string, MemoryStore> {
  const holder = globalThis as { [REGISTRY]?: Map<string, MemoryStore> };
  return (holder[REGISTRY] ??= new Map());
}

export function storeNamed(name: string): MemoryStore {
  const stores = registry();
  let store = stores.get(name);
  if (!store) {
    store = new MemoryStore();
    stores.set(name, store);
  }
  return store;
}

/** Empties the named store (adapters already holding it see it empty). */
export function clearMemoryStore(name: string): void {
  registry().get(name)?.clear();
}
