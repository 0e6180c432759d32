import type { Side } from "../actions.js";
import { type SyncMode, modeRules } from "../plan/modes.js";
import type { SideChange } from "./classify.js";

/** A side's change once "unsure" has been settled (the planner does that first). */
export type SettledChange = Exclude<SideChange, "unsure">;

/**
 * What a key needs, decided from how each side changed since the last agreed state:
 * - `keep`: nothing; whatever each side holds stays (and is what the next state records)
 * - `drop`: gone on both sides; forgotten
 * - `copy`: the sender's copy goes to the other side
 * - `delete`: the side's copy is removed
 * - `compare`: both sides hold a copy that may differ; identical → keep, else `otherwise`
 *   (a conflict in two-way mode, the authority's copy in a one-way mode)
 */
export type Verdict =
  | { kind: "keep" }
  | { kind: "drop" }
  | { kind: "copy"; from: Side; reason: "new" | "changed" }
  | { kind: "delete"; side: Side; reason: "deleted-on-other-side" | "extraneous" }
  | { kind: "compare"; otherwise: "conflict" | { copyFrom: Side } };

const present = (c: SettledChange) => c === "new" || c === "same" || c === "changed";
const news = (c: SettledChange) => c === "new" || c === "changed";
const KEEP: Verdict = { kind: "keep" };
const DROP: Verdict = { kind: "drop" };
const CONFLICT_UNLESS_SAME: Verdict = { kind: "compare", otherwise: "conflict" };

/**
 * The decision table for all five modes (SPEC §3, syncengine's scenario tables). Two-way:
 * a change on one side goes to the other; a deletion on one side deletes the other side's
 * unchanged copy; a change always beats a deletion (nothing is lost); changes on both sides
 * are a conflict unless the two copies are now identical. One-way modes make the receiving
 * side like the authority for every key the authority holds, deleting the receiver's extra
 * keys only in the mirroring modes.
 */
export function reconcile(mode: SyncMode, src: SettledChange, dst: SettledChange): Verdict {
  const rules = modeRules(mode);
  if (rules.direction === "both") return twoWay(src, dst);
  const from: Side = rules.direction === "src-to-dst" ? "src" : "dst";
  return from === "src" ? oneWay(from, src, dst, rules.deletes) : oneWay(from, dst, src, rules.deletes);
}

function twoWay(src: SettledChange, dst: SettledChange): Verdict {
  if (news(src) && news(dst)) return CONFLICT_UNLESS_SAME;
  if (news(src)) return oneSideNews("src", src, dst);
  if (news(dst)) return oneSideNews("dst", dst, src);
  if (src === "same" && dst === "same") return KEEP;
  if (src === "same" && dst === "deleted") return { kind: "delete", side: "src", reason: "deleted-on-other-side" };
  if (src === "deleted" && dst === "same") return { kind: "delete", side: "dst", reason: "deleted-on-other-side" };
  // a copy one side kept alone, unchanged: it stays as agreed
  if (src === "same" || dst === "same") return KEEP;
  return DROP;
}

function oneSideNews(side: Side, mine: SettledChange, theirs: SettledChange): Verdict {
  // a fresh copy meeting a copy the other side kept alone (agreed one-sided) has no common
  // ancestor: treat it like new-on-both-sides
  if (theirs === "same" && mine === "new") return CONFLICT_UNLESS_SAME;
  return { kind: "copy", from: side, reason: present(theirs) ? "changed" : "new" };
}

function oneWay(from: Side, authority: SettledChange, receiver: SettledChange, deletes: boolean): Verdict {
  const to: Side = from === "src" ? "dst" : "src";
  if (present(authority)) {
    if (!present(receiver)) return { kind: "copy", from, reason: "new" };
    if (authority === "same" && receiver === "same") return KEEP;
    return { kind: "compare", otherwise: { copyFrom: from } };
  }
  if (!present(receiver)) return DROP;
  if (!deletes) return KEEP;
  return { kind: "delete", side: to, reason: authority === "deleted" ? "deleted-on-other-side" : "extraneous" };
}
