import { type Adapter, type Entry, type HashAlgorithm, commonHash, etagsComparable, modifyWindow } from "../adapter.js";
import type { Side } from "../actions.js";
import { FerryError } from "../errors.js";
import { type Comparator, type CompareVerdict, type EntryDetails, SAME, differ } from "./comparator.js";

const SIZE_DIFFERS = differ("size");

export class SizeComparator implements Comparator {
  readonly name = "size";
  compare(src: Entry, dst: Entry): CompareVerdict {
    return src.size === dst.size ? SAME : SIZE_DIFFERS;
  }
}

/**
 * Sizes match and mtimes match within `window` ms. Mtimes missing from a listing are fetched
 * through `details` (a HEAD on object stores); an mtime that stays unknown counts as changed,
 * because "probably the same" is how tools lose updates.
 */
export class SizeMtimeComparator implements Comparator {
  readonly name = "size-mtime";
  constructor(
    readonly window: number,
    private readonly srcSide: Side = "src",
    private readonly dstSide: Side = "dst",
    /**
     * `auto` only: a destination object the store wrote no earlier than the source's mtime,
     * with the same size, is current — `aws s3 sync`'s rule. It saves a HEAD per key on
     * no-op uploads to object stores; an edit always moves the source mtime past the upload
     * time, so it is caught. An explicit `--compare size-mtime` compares the kept mtimes.
     */
    private readonly trustUploadTime = false,
  ) {}

  compare(src: Entry, dst: Entry, details: EntryDetails): CompareVerdict | Promise<CompareVerdict> {
    if (src.size !== dst.size) return SIZE_DIFFERS;
    if (src.mtime !== undefined && dst.mtime !== undefined) return this.decide(src.mtime, dst.mtime);
    if (this.trustUploadTime && src.mtime !== undefined && dst.mtime === undefined && dst.lastModified !== undefined && dst.lastModified >= src.mtime)
      return SAME;
    return this.compareFetched(src, dst, details);
  }

  private async compareFetched(src: Entry, dst: Entry, details: EntryDetails): Promise<CompareVerdict> {
    const [a, b] = await Promise.all([
      src.mtime ?? details.mtime(this.srcSide, src),
      dst.mtime ?? details.mtime(this.dstSide, dst),
    ]);
    if (a === undefined || b === undefined) return differ("mtime");
    return this.decide(a, b);
  }

  private decide(a: number, b: number): CompareVerdict {
    return Math.abs(a - b) <= this.window ? SAME : differ("mtime");
  }
}

/** Sizes and etags match; etags of different schemes never match (SPEC §4). */
export class EtagComparator implements Comparator {
  readonly name = "etag";
  constructor(private readonly comparable: boolean) {}
  compare(src: Entry, dst: Entry): CompareVerdict {
    if (src.size !== dst.size) return SIZE_DIFFERS;
    if (!this.comparable || !src.etag || !dst.etag) return differ("etag");
    return src.etag === dst.etag ? SAME : differ("etag");
  }
}

/** Sizes and content hashes match; a hash a side cannot give is computed by reading. */
export class ChecksumComparator implements Comparator {
  readonly name = "checksum";
  constructor(
    readonly algorithm: HashAlgorithm,
    private readonly srcSide: Side = "src",
    private readonly dstSide: Side = "dst",
  ) {}
  compare(src: Entry, dst: Entry, details: EntryDetails): CompareVerdict | Promise<CompareVerdict> {
    if (src.size !== dst.size) return SIZE_DIFFERS;
    const a = src.hashes?.[this.algorithm];
    const b = dst.hashes?.[this.algorithm];
    if (a !== undefined && b !== undefined) return a === b ? SAME : differ("checksum");
    return this.compareFetched(src, dst, details);
  }
  private async compareFetched(src: Entry, dst: Entry, details: EntryDetails): Promise<CompareVerdict> {
    const [a, b] = await Promise.all([
      src.hashes?.[this.algorithm] ?? details.hash(this.srcSide, src, this.algorithm),
      dst.hashes?.[this.algorithm] ?? details.hash(this.dstSide, dst, this.algorithm),
    ]);
    if (a === undefined || b === undefined) return differ("checksum");
    return a === b ? SAME : differ("checksum");
  }
}

export type CustomCompare = (src: Entry, dst: Entry) => boolean | Promise<boolean>;

export class CustomComparator implements Comparator {
  readonly name = "custom";
  constructor(private readonly fn: CustomCompare) {}
  compare(src: Entry, dst: Entry): CompareVerdict | Promise<CompareVerdict> {
    const r = this.fn(src, dst);
    if (typeof r === "boolean") return r ? SAME : differ("custom");
    return r.then((same) => (same ? SAME : differ("custom")));
  }
}

export type CompareMode = "auto" | "size" | "size-mtime" | "etag" | "checksum";

export interface ComparatorOptions {
  compare?: CompareMode | CustomCompare;
  /** ms; overrides the adapters' precision */
  modifyWindow?: number;
  /** compare mtimes exactly (aws --exact-timestamps) */
  exactTimestamps?: boolean;
  /** which run side each adapter is (dst→src modes flip them) */
  fromSide?: Side;
  toSide?: Side;
}

/**
 * Picks the comparator for a pair of adapters. `auto` takes the best common ground:
 * size-mtime where both keep a modification time, else etag for same-provider pairs, else size.
 */
export function createComparator(from: Adapter, to: Adapter, options: ComparatorOptions = {}): Comparator {
  const compare = options.compare ?? "auto";
  const fromSide = options.fromSide ?? "src";
  const toSide = options.toSide ?? "dst";
  if (typeof compare === "function") return new CustomComparator(compare);
  const window = options.exactTimestamps ? 0 : (options.modifyWindow ?? modifyWindow(from, to));
  switch (compare) {
    case "size":
      return new SizeComparator();
    case "size-mtime":
      for (const a of [from, to]) {
        if (a.capabilities.mtime === "none")
          throw new FerryError("Unsupported", `--compare size-mtime is not supported by ${a.name}: it keeps no modification time`, {
            adapter: a.name,
            hint: "use --compare size or --compare checksum",
          });
      }
      return new SizeMtimeComparator(window, fromSide, toSide);
    case "etag":
      if (!etagsComparable(from, to))
        throw new FerryError(
          "Unsupported",
          `--compare etag needs two locations of the same provider and account (got ${from.name} and ${to.name})`,
          { hint: "use --compare size, size-mtime or checksum" },
        );
      return new EtagComparator(true);
    case "checksum": {
      const algorithm = commonHash(from, to) ?? "md5";
      return new ChecksumComparator(algorithm, fromSide, toSide);
    }
    case "auto": {
      if (from.capabilities.mtime !== "none" && to.capabilities.mtime !== "none")
        return new SizeMtimeComparator(window, fromSide, toSide, true);
      if (etagsComparable(from, to)) return new EtagComparator(true);
      return new SizeComparator();
    }
    default:
      throw new FerryError("Usage", `unknown --compare value ${JSON.stringify(compare)}`, {
        hint: "use auto, size, size-mtime, etag or checksum",
      });
  }
}

/** Tests whether `dst` is newer than `src` beyond the window (for --update). */
export async function destinationIsNewer(
  src: Entry,
  dst: Entry,
  window: number,
  details: EntryDetails,
  fromSide: Side,
  toSide: Side,
): Promise<boolean> {
  const a = src.mtime ?? (await details.mtime(fromSide, src));
  const b = dst.mtime ?? (await details.mtime(toSide, dst));
  if (a === undefined || b === undefined) return false;
  return b - a > window;
}
