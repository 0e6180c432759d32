import { escapeRegex, regexFlags } from "./glob-syntax.js";
import type { KeyPattern, PathPattern } from "./pattern.js";
import { directoryPrefix } from "./rule-engine.js";

/**
 * Questions directory pruning asks about one pattern and the keys below a directory D.
 * "may match" must answer true whenever some key below D could match (false only when
 * provably none can); "covers" must answer true only when every key in question matches.
 * Keeping both one-sided is what makes `excludesDirectory` safe to prune with.
 */

/** Depth of the keys in question: exactly one level below D, or any depth below D. */
export type Depth = "child" | "any";

/** Could a key (or directory layer) below `dir` match this rclone-syntax pattern? */
export function pathPatternMayMatchBelow(p: PathPattern, dirSegments: readonly string[], depth: Depth): boolean {
  const segments = p.segments;
  // an unanchored pattern matches the end of a path, and any directory has paths ending in anything
  if (segments === undefined) return true;
  const m = dirSegments.length;
  for (let i = 0; i < m; i++) {
    if (i >= segments.length) return false;
    const seg = segments[i]!;
    if (seg === null) return true;
    if (!seg.test(dirSegments[i]!)) return false;
  }
  if (segments.slice(m).includes(null)) return true;
  return depth === "child" ? segments.length === m + 1 : segments.length > m;
}

/** Does this rclone-syntax pattern match every file at any depth below `dir` (first-match files)? */
export function pathPatternCoversAllFilesBelow(p: PathPattern, dir: string): boolean {
  const prefix = directoryPrefix(dir);
  if (p.dirOnly) return prefix !== "" && p.ancestor.test(prefix);
  const tail = p.starTail;
  if (tail === undefined) return false;
  if (tail.crossing) return tail.parent === undefined || (prefix !== "" && tail.parent.ancestor.test(prefix));
  // a lone unanchored "*" matches the last name of every path
  return tail.parent === undefined && !p.anchored;
}

/** Does it match every path one level below `dir`, files and directories alike (layered)? */
export function pathPatternCoversAllChildren(p: PathPattern, dir: string): boolean {
  if (p.dirOnly) return false; // files one level below are not matched
  const tail = p.starTail;
  if (tail === undefined) return false;
  const prefix = directoryPrefix(dir);
  if (tail.crossing) return tail.parent === undefined || (prefix !== "" && tail.parent.ancestor.test(prefix));
  if (tail.parent === undefined) return !p.anchored || dir === "";
  return dir !== "" && tail.parent.path.test(dir);
}

/** Could a key below `dir` match this aws-style pattern? */
export function keyPatternMayMatchBelow(p: KeyPattern, dir: string, ignoreCase: boolean): boolean {
  const prefix = directoryPrefix(dir);
  // every matching key starts with the literal prefix, so the prefix and "D/" must agree
  // on their common length, under the rule's own case rules
  if (p.literalPrefixTest.test(prefix)) return true;
  if (!ignoreCase) return p.literalPrefix.startsWith(prefix);
  return new RegExp(`^${escapeRegex(prefix)}`, regexFlags(true)).test(p.literalPrefix);
}

/** Does this aws-style pattern match every key below `dir`? */
export function keyPatternCoversAllBelow(p: KeyPattern, dir: string): boolean {
  return p.openEnded && p.literalPrefixTest.test(directoryPrefix(dir));
}

export function splitDirectory(dir: string): string[] {
  return dir === "" ? [] : dir.split("/");
}
