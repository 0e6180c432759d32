/** How an ordered include/exclude list decides (SPEC §5). */
export type FilterStyle = "first-match" | "layered" | "aws";

export const FILTER_STYLES: readonly FilterStyle[] = ["first-match", "layered", "aws"];

export interface FilterRule {
  action: "include" | "exclude";
  pattern: string;
  /** where the rule came from, for messages: "--exclude #2", "rules.txt:7" */
  origin?: string;
}

export interface FilterOptions {
  /** ordered as given: command-line includes/excludes interleaved, then --filter-from lines */
  rules?: FilterRule[];
  /** default "first-match" */
  style?: FilterStyle;
  ignoreCase?: boolean;
  /** exact keys, or prefixes ending in "/"; when given, only these are selected */
  filesFrom?: string[];
  /** bytes, inclusive bounds (rclone) */
  minSize?: number;
  maxSize?: number;
  /** ms durations: minAge keeps keys older than it, maxAge keys newer than it (rclone) */
  minAge?: number;
  maxAge?: number;
  /** ms epoch the ages are measured from; default Date.now() when compiled */
  now?: number;
  /** key range in byte order, both ends inclusive (juicefs --start/--end) */
  start?: string;
  end?: string;
}

export interface FilterDecision {
  included: boolean;
  /** the rule that decided, when a rule did */
  rule?: FilterRule;
  /** human text: 'excluded by --exclude "*.log" (#2)', 'no rule matched: included' */
  reason: string;
}

/** The size and mtime filters look at; an `Entry` fits. */
export interface FilterableEntry {
  size: number;
  mtime?: number;
}

export interface KeyFilter {
  /** fast path: is the key (with its entry, for size/age) selected? */
  includes(key: string, entry?: FilterableEntry): boolean;
  /** the deciding rule or filter, for `ferry plan --explain KEY` */
  explain(key: string, entry?: FilterableEntry): FilterDecision;
  /** true when no key under directory `dir/` can be included (lets walkers prune); never true wrongly */
  excludesDirectory(dirKey: string): boolean;
  /** true when the filter selects everything (lets callers skip work) */
  readonly isEmpty: boolean;
}
