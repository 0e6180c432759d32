import { FerryError, compareKeys } from "@ferry/core";

/**
 * ferry merges listings in UTF-8 byte (= code point) order. Azurite — and possibly the service
 * — lists blob names in UTF-16 code unit order, which differs in exactly one way: after a common
 * prefix P, names continuing with a character above U+FFFF (a surrogate pair, D800–DFFF) sort
 * before names continuing with U+E000–U+FFFF, where code point order puts them after.
 *
 * This restores code point order from a listing in either order, holding back only the names
 * that may still be overtaken: a name whose first surrogate sits at index i can be passed on
 * once the listing has moved past every name starting with its first i characters (nothing
 * that must precede it can come later), or has ended. Everything else streams through. Memory
 * is the number of such names in one folder-like prefix at a time, capped by `limit`.
 */
export async function* inCodePointOrder<T>(input: AsyncIterable<T>, keyOf: (item: T) => string, limit: number): AsyncGenerator<T> {
  const held = new MinHeap<T>((a, b) => compareKeys(keyOf(a), keyOf(b)));
  let last: string | undefined;
  const releasable = (item: T) => {
    const key = keyOf(item);
    const i = firstSurrogate(key);
    if (i === -1) return true;
    return last !== undefined && !last.startsWith(key.slice(0, i));
  };
  for await (const item of input) {
    last = keyOf(item);
    held.push(item);
    while (held.size > 0 && releasable(held.peek()!)) yield held.pop()!;
    if (held.size > limit) {
      throw new FerryError(
        "Provider",
        `azure: more than ${limit} names with characters above U+FFFF share a prefix; they cannot be put in order within the listing's memory limit`,
        { adapter: "azure", hint: "raise the adapter's reorderLimit option" },
      );
    }
  }
  while (held.size > 0) yield held.pop()!;
}

function firstSurrogate(s: string): number {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdfff) return i;
  }
  return -1;
}

class MinHeap<T> {
  private readonly items: T[] = [];
  constructor(private readonly less: (a: T, b: T) => number) {}

  get size(): number {
    return this.items.length;
  }

  peek(): T | undefined {
    return this.items[0];
  }

  push(item: T): void {
    const a = this.items;
    a.push(item);
    let i = a.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.less(a[i]!, a[parent]!) >= 0) break;
      [a[i], a[parent]] = [a[parent]!, a[i]!];
      i = parent;
    }
  }

  pop(): T | undefined {
    const a = this.items;
    if (a.length === 0) return undefined;
    const top = a[0];
    const end = a.pop()!;
    if (a.length > 0) {
      a[0] = end;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && this.less(a[l]!, a[m]!) < 0) m = l;
        if (r < a.length && this.less(a[r]!, a[m]!) < 0) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m]!, a[i]!];
        i = m;
      }
    }
    return top;
  }
}
