// A synthetic adapter for the memory benchmark: it lists N keys generated lazily from their
// index (nothing is stored), so the process's memory is the planner's and the SDK's, not the
// adapter's. Two instances ("src" and "dst") differ deterministically so that a plan between
// them has transfers (new and changed keys), skips and deletes.
//
// Key i is `d<i/1000>/f<i>.bin` with fixed-width numbers, so byte order = index order.
//
//   src has key i unless i % 100 === 37             (those are dst-only: deletes, 1%)
//   dst has key i unless i % 50  === 11             (those are src-only: new, 2%)
//   i % 20 === 3: dst copy is older (mtime − 60 s)  (changed: transfers, 5%)
//   everything else is identical on both sides      (skips, ~92%)
import { Readable } from "node:stream";

const FILES_PER_DIR = 1000;
const BASE_MTIME = Date.UTC(2024, 0, 1);
const DIR_WIDTH = 5;
const FILE_WIDTH = 8;

export const keyOf = (i) =>
  `d${String(Math.floor(i / FILES_PER_DIR)).padStart(DIR_WIDTH, "0")}/f${String(i).padStart(FILE_WIDTH, "0")}.bin`;

const indexOf = (key) => {
  const m = /^d\d+\/f(\d+)\.bin$/.exec(key);
  return m ? Number(m[1]) : -1;
};

const sizeOf = (i) => Number((BigInt(i) * 2654435761n) % 65536n);

const present = (side, i) => (side === "src" ? i % 100 !== 37 : i % 50 !== 11);
const mtimeOf = (side, i) => BASE_MTIME + i * 1000 - (side === "dst" && i % 20 === 3 ? 60_000 : 0);

/** What a one-way sync --delete from src to dst must plan for `keys` indices. */
export function expectedPlan(keys) {
  let transfers = 0;
  let deletes = 0;
  let skips = 0;
  for (let i = 0; i < keys; i++) {
    const s = present("src", i);
    const d = present("dst", i);
    if (s && !d) transfers++;
    else if (!s && d) deletes++;
    else if (s && d) {
      if (i % 20 === 3) transfers++;
      else skips++;
    }
  }
  return { transfers, deletes, skips };
}

const CAPABILITIES = Object.freeze({
  mtime: "native",
  mtimePrecision: 1,
  mtimeInList: true,
  hashes: Object.freeze([]),
  etag: null,
  serverSideCopy: false,
  serverSideMove: false,
  rangeReads: false,
  atomicWrites: true,
  emptyDirectories: false,
  caseSensitive: true,
  symlinks: false,
  permissions: false,
});

/** First index whose key is >= `bound` (or > when `strict`), by binary search over the monotonic key order. */
function lowerBound(bound, keys, strict) {
  let lo = 0;
  let hi = keys;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const k = keyOf(mid);
    if (k < bound || (strict && k === bound)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class SyntheticAdapter {
  /**
   * @param {{ side: "src" | "dst", keys: number }} options
   */
  constructor({ side, keys }) {
    if (side !== "src" && side !== "dst") throw new Error(`side must be src or dst, not ${side}`);
    this.name = "synthetic";
    this.side = side;
    this.keys = keys;
    this.root = `synthetic://${side}/${keys}`;
    this.capabilities = CAPABILITIES;
    this.identity = `synthetic-${side}`;
  }

  entry(i) {
    return { key: keyOf(i), size: sizeOf(i), mtime: mtimeOf(this.side, i), type: "file" };
  }

  async *list(prefix = "", options = {}) {
    let i = prefix ? lowerBound(prefix, this.keys, false) : 0;
    if (options.startAfter !== undefined) i = Math.max(i, lowerBound(options.startAfter, this.keys, true));
    for (; i < this.keys; i++) {
      if (!present(this.side, i)) continue;
      if (options.signal?.aborted) throw options.signal.reason ?? new Error("aborted");
      const e = this.entry(i);
      if (prefix && !e.key.startsWith(prefix)) return;
      yield e;
    }
  }

  async stat(key) {
    const i = indexOf(key);
    if (i < 0 || i >= this.keys || !present(this.side, i) || keyOf(i) !== key) return undefined;
    return this.entry(i);
  }

  async read(key) {
    const e = await this.stat(key);
    if (!e) throw Object.assign(new Error(`no such key: ${key}`), { code: "NotFound" });
    let left = e.size;
    return new Readable({
      read() {
        if (left <= 0) return void this.push(null);
        const n = Math.min(left, 65536);
        left -= n;
        this.push(Buffer.alloc(n));
      },
    });
  }

  /** Consumes the body and forgets it: nothing is stored. */
  async write(key, body, meta) {
    let size = 0;
    for await (const chunk of body) size += chunk.length;
    return { size, ...(meta?.mtime !== undefined ? { mtime: meta.mtime } : {}) };
  }

  async delete(keys) {
    return keys.map((key) => ({ key }));
  }

  async probe() {
    return { exists: true };
  }
}
