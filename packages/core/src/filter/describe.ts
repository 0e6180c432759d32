import type { FilterRule } from "./types.js";

/**
 * How a rule is named in explanations and errors, in the words the user typed it:
 * '--exclude "*.log" (#2)' for a flag, '"- *.log" (rules.txt:7)' for a filter-file line.
 */
export function describeRule(rule: FilterRule, index: number): string {
  const flag = rule.action === "include" ? "--include" : "--exclude";
  const pattern = JSON.stringify(rule.pattern);
  const origin = rule.origin;
  if (origin === undefined || origin === "") return `${flag} ${pattern} (rule #${index + 1})`;
  const fromFlag = /^(--[a-z][a-z-]*)\s*#(\d+)$/.exec(origin);
  if (fromFlag) return `${fromFlag[1]} ${pattern} (#${fromFlag[2]})`;
  const line = `${rule.action === "include" ? "+" : "-"} ${rule.pattern}`;
  return `${JSON.stringify(line)} (${origin})`;
}

/** Where a rule came from, for syntax errors: "--exclude #2", "rules.txt:7", "rule #3". */
export function ruleOrigin(rule: FilterRule, index: number): string {
  return rule.origin === undefined || rule.origin === "" ? `rule #${index + 1}` : rule.origin;
}

export function formatBytes(n: number): string {
  return `${n} byte${n === 1 ? "" : "s"}`;
}

export function formatTime(ms: number): string {
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? String(ms) : d.toISOString();
}
