import { FerryError } from "../errors.js";
import { compareKeys } from "../keys.js";
import { AwsEngine } from "./aws-style.js";
import { describeRule, formatBytes, formatTime, ruleOrigin } from "./describe.js";
import { FirstMatchEngine } from "./first-match.js";
import { GlobSyntaxError } from "./glob-syntax.js";
import { LayeredEngine } from "./layered.js";
import { compileKeyPattern, compilePathPattern } from "./pattern.js";
import type { RuleEngine, RuleOutcome } from "./rule-engine.js";
import { EntryBounds, FilesFromList, KeyRange } from "./selection.js";
import {
  FILTER_STYLES,
  type FilterableEntry,
  type FilterDecision,
  type FilterOptions,
  type FilterRule,
  type FilterStyle,
  type KeyFilter,
} from "./types.js";

/**
 * Compiles rules and selections once; the returned filter answers per key with RegExp tests
 * and comparisons only. Selections combine by AND, checked cheapest first: range, files-from,
 * rules, then size and age.
 */
export function compileFilter(options: FilterOptions = {}): KeyFilter {
  const style = options.style ?? "first-match";
  if (!FILTER_STYLES.includes(style)) {
    throw new FerryError("Usage", `unknown filter style ${JSON.stringify(style)}: use ${FILTER_STYLES.join(", ")}`);
  }
  const rules = options.rules ?? [];
  const ignoreCase = options.ignoreCase ?? false;
  checkOptions(options);
  const now = options.now ?? Date.now();
  return new CompiledFilter(
    rules.slice(),
    style,
    rules.length > 0 ? compileRules(rules, style, ignoreCase) : undefined,
    options.filesFrom === undefined ? undefined : new FilesFromList(options.filesFrom),
    options.start === undefined && options.end === undefined ? undefined : new KeyRange(options.start, options.end),
    new EntryBounds({ ...options, now }),
  );
}

function compileRules(rules: readonly FilterRule[], style: FilterStyle, ignoreCase: boolean): RuleEngine {
  const include = rules.map((rule, i) => {
    if (rule.action !== "include" && rule.action !== "exclude") {
      throw new FerryError("Usage", `${ruleOrigin(rule, i)}: unknown filter action ${JSON.stringify(rule.action)} (use include or exclude)`);
    }
    return rule.action === "include";
  });
  const compileEach = <T>(compile: (pattern: string, ignoreCase: boolean) => T): T[] =>
    rules.map((rule, i) => {
      try {
        return compile(rule.pattern, ignoreCase);
      } catch (e) {
        throw patternError(rule, i, e);
      }
    });
  switch (style) {
    case "first-match":
      return new FirstMatchEngine(compileEach(compilePathPattern), include);
    case "layered":
      return new LayeredEngine(compileEach(compilePathPattern), include);
    case "aws":
      return new AwsEngine(compileEach(compileKeyPattern), include, ignoreCase);
  }
}

function patternError(rule: FilterRule, index: number, cause: unknown): FerryError {
  const detail =
    cause instanceof GlobSyntaxError
      ? cause.message
      : // a RegExp the translation built but the engine refused: still the pattern's fault
        `it cannot be compiled (${cause instanceof Error ? cause.message : String(cause)})`;
  return new FerryError("Usage", `invalid filter pattern ${JSON.stringify(rule.pattern)} (${ruleOrigin(rule, index)}): ${detail}`, {
    cause,
    hint: 'patterns use "*" within a name, "**" across "/", "?", [a-z], {a,b}, and "\\" to escape',
  });
}

function checkOptions(o: FilterOptions): void {
  const amount = (name: string, value: number | undefined) => {
    if (value !== undefined && !(Number.isFinite(value) && value >= 0)) {
      throw new FerryError("Usage", `invalid ${name} ${String(value)}: it must be a non-negative number`);
    }
  };
  amount("--min-size", o.minSize);
  amount("--max-size", o.maxSize);
  amount("--min-age", o.minAge);
  amount("--max-age", o.maxAge);
  if (o.now !== undefined && !Number.isFinite(o.now)) throw new FerryError("Usage", `invalid filter time ${String(o.now)}`);
  // Contradictory bounds would select nothing at all, which is never what was meant.
  if (o.minSize !== undefined && o.maxSize !== undefined && o.minSize > o.maxSize) {
    throw new FerryError("Usage", `--min-size (${formatBytes(o.minSize)}) is larger than --max-size (${formatBytes(o.maxSize)}): nothing could be selected`);
  }
  if (o.minAge !== undefined && o.maxAge !== undefined && o.minAge > o.maxAge) {
    throw new FerryError("Usage", "--min-age is longer than --max-age: no key can be both older than the first and newer than the second", {
      hint: "--min-age keeps keys older than it, --max-age keeps keys newer than it",
    });
  }
  if (o.start !== undefined && o.end !== undefined && compareKeys(o.start, o.end) > 0) {
    throw new FerryError("Usage", `--start ${JSON.stringify(o.start)} sorts after --end ${JSON.stringify(o.end)}: nothing could be selected`);
  }
}

class CompiledFilter implements KeyFilter {
  readonly isEmpty: boolean;

  constructor(
    private readonly rules: readonly FilterRule[],
    private readonly style: FilterStyle,
    private readonly engine: RuleEngine | undefined,
    private readonly filesFrom: FilesFromList | undefined,
    private readonly range: KeyRange | undefined,
    private readonly bounds: EntryBounds,
  ) {
    // In every style an unmatched key is included, so rules without an exclude select everything.
    this.isEmpty =
      !rules.some((r) => r.action === "exclude") && filesFrom === undefined && range === undefined && bounds.isEmpty;
  }

  includes(key: string, entry?: FilterableEntry): boolean {
    if (this.range !== undefined && this.range.position(key) !== undefined) return false;
    if (this.filesFrom !== undefined && !this.filesFrom.has(key)) return false;
    if (this.engine !== undefined && !this.engine.includes(key)) return false;
    return entry === undefined || this.bounds.accepts(entry);
  }

  explain(key: string, entry?: FilterableEntry): FilterDecision {
    const position = this.range?.position(key);
    if (position === "before") return { included: false, reason: `sorts before --start ${JSON.stringify(this.range!.start)}: excluded` };
    if (position === "after") return { included: false, reason: `sorts after --end ${JSON.stringify(this.range!.end)}: excluded` };
    if (this.filesFrom !== undefined && !this.filesFrom.has(key)) return { included: false, reason: "not listed in --files-from: excluded" };

    const outcome = this.engine?.decide(key);
    if (outcome !== undefined && !outcome.included) return this.ruleDecision(outcome, false);

    if (entry !== undefined) {
      const refused = this.bounds.refusal(entry);
      if (refused !== undefined) return { included: false, reason: `${this.boundsReason(refused, entry)}: excluded` };
    }
    const decision =
      outcome !== undefined && outcome.index >= 0
        ? this.ruleDecision(outcome, true)
        : { included: true, reason: this.filesFrom !== undefined ? "listed in --files-from, no rule matched: included" : this.noMatchReason() };
    if (entry === undefined && !this.bounds.isEmpty) decision.reason += " (size and age not checked: no entry given)";
    return decision;
  }

  excludesDirectory(dirKey: string): boolean {
    const dir = dirKey.replace(/\/+$/, "");
    if (this.range?.excludesDirectory(dir)) return true;
    if (this.filesFrom?.excludesDirectory(dir)) return true;
    return this.engine?.excludesDirectory(dir) ?? false;
  }

  private ruleDecision(outcome: RuleOutcome, included: boolean): FilterDecision {
    const rule = this.rules[outcome.index]!;
    const at = outcome.directory === undefined ? "" : ` at directory ${JSON.stringify(`${outcome.directory}/`)}`;
    return { included, rule, reason: `${included ? "included" : "excluded"} by ${describeRule(rule, outcome.index)}${at}` };
  }

  private noMatchReason(): string {
    // in the layered style directory layers may have matched includes; none excluded
    return this.style === "layered" && this.rules.length > 0 ? "no rule excluded it or a directory above it: included" : "no rule matched: included";
  }

  private boundsReason(refused: "min-size" | "max-size" | "min-age" | "max-age", entry: FilterableEntry): string {
    const b = this.bounds;
    switch (refused) {
      case "min-size":
        return `size ${formatBytes(entry.size)} is below --min-size ${formatBytes(b.minSize)}`;
      case "max-size":
        return `size ${formatBytes(entry.size)} is above --max-size ${formatBytes(b.maxSize)}`;
      case "min-age":
        return `modified ${formatTime(entry.mtime!)}, newer than --min-age allows (${formatTime(b.newest)} or earlier)`;
      case "max-age":
        return `modified ${formatTime(entry.mtime!)}, older than --max-age allows (${formatTime(b.oldest)} or later)`;
    }
  }
}
