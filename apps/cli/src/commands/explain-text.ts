import type { Entry } from "@ferry/core";
import type { Explanation } from "@ferry/sdk";
import { formatBytes } from "../ui/format.js";

function entryText(e: Entry | undefined): string {
  if (!e) return "missing";
  const parts = [formatBytes(e.size)];
  if (e.mtime !== undefined) parts.push(`mtime ${new Date(e.mtime).toISOString()}`);
  if (e.etag) parts.push(`etag ${e.etag}`);
  return parts.join(", ");
}

/** The filter decision in words, whatever detail the engine gives (rule, index, style). */
function filterText(decision: unknown): string {
  if (decision === undefined || decision === null) return "no filter";
  if (typeof decision !== "object") return String(decision);
  const d = decision as Record<string, unknown>;
  const verdict = d.included === true ? "included" : d.included === false ? "excluded" : typeof d.action === "string" ? String(d.action) : "decided";
  const rule = d.rule as Record<string, unknown> | string | undefined;
  const ruleText =
    rule === undefined ? (typeof d.reason === "string" ? ` (${d.reason})` : " (no rule matched)") : typeof rule === "string" ? ` by ${rule}` : ` by ${[rule.action ?? rule.type, rule.pattern].filter(Boolean).join(" ")}${rule.source ? ` from ${String(rule.source)}` : ""}`;
  return `${verdict}${ruleText}`;
}

export function describeExplanation(x: Explanation): string {
  return `${x.key}: ${filterText(x.filter)}; src: ${entryText(x.src)}; dst: ${entryText(x.dst)}; decision: ${x.decision}`;
}
