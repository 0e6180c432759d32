import {
  escapeRegex,
  regexFlags,
  splitSegments,
  mayCrossSegments,
  tokenizeGlob,
  tokensToSource,
  GlobSyntaxError,
  type GlobToken,
} from "./glob-syntax.js";

/**
 * One rule's pattern compiled once into the RegExps the styles test keys with, plus the shape
 * facts directory pruning reasons with. Nothing here runs per key except `RegExp.test`.
 */

/** A pattern in rclone's syntax (first-match and layered styles). */
export interface PathPattern {
  readonly anchored: boolean;
  /** the pattern ended with "/": it names directories only */
  readonly dirOnly: boolean;
  /** matches a whole file path or directory path (no trailing "/") */
  readonly path: RegExp;
  /**
   * Matches a string "D/" when the pattern matches D or one of D's ancestors, so a key
   * "D/rest" lies under a matching directory. Tested on keys, it answers "is some ancestor
   * directory of this key matched?".
   */
  readonly ancestor: RegExp;
  /**
   * For anchored patterns, one RegExp per path segment, or null for a segment that can match
   * across "/" (after which segment-by-segment reasoning stops). Undefined when unanchored.
   */
  readonly segments: readonly (RegExp | null)[] | undefined;
  /** set when the last segment is only stars (`*`, `**`, `dir/*`, `/a/**`) */
  readonly starTail: StarTail | undefined;
}

export interface StarTail {
  /** `**` (any depth below) rather than `*` (one name) */
  readonly crossing: boolean;
  /** the part before the final "/", when there is one */
  readonly parent: { readonly path: RegExp; readonly ancestor: RegExp } | undefined;
}

/** A pattern in the aws style: fnmatch on the whole key, relative to the location root. */
export interface KeyPattern {
  readonly path: RegExp;
  /** the literal text before the first wildcard */
  readonly literalPrefix: string;
  /** `^literalPrefix` with the rule's case sensitivity */
  readonly literalPrefixTest: RegExp;
  /** after the literal prefix comes nothing but stars: every key with that prefix matches */
  readonly openEnded: boolean;
}

export function compilePathPattern(pattern: string, ignoreCase: boolean): PathPattern {
  const flags = regexFlags(ignoreCase);
  const anchored = pattern.startsWith("/");
  const tokens = tokenizeGlob(anchored ? pattern.slice(1) : pattern, "rclone");
  const dirOnly = tokens.length > 0 && tokens[tokens.length - 1]!.kind === "slash";
  if (dirOnly) tokens.pop();
  if (tokens.length === 0) throw emptyPattern();

  const start = anchored ? "^" : "(?:^|\\/)";
  const body = tokensToSource(tokens, "rclone");
  const segmentTokens = splitSegments(tokens);
  return {
    anchored,
    dirOnly,
    path: new RegExp(`${start}${body}$`, flags),
    ancestor: new RegExp(`${start}${body}\\/`, flags),
    segments: anchored
      ? segmentTokens.map((seg) => (mayCrossSegments(seg) ? null : new RegExp(`^${tokensToSource(seg, "rclone")}$`, flags)))
      : undefined,
    starTail: starTail(segmentTokens, start, flags),
  };
}

function starTail(segments: readonly GlobToken[][], start: string, flags: string): StarTail | undefined {
  const last = segments[segments.length - 1]!;
  if (last.length === 0 || !last.every((t) => t.kind === "star")) return undefined;
  const crossing = last.some((t) => t.kind === "star" && t.crossing);
  if (segments.length === 1) return { crossing, parent: undefined };
  const parentTokens = segments.slice(0, -1).flatMap((seg, i) => (i === 0 ? seg : [{ kind: "slash" } as const, ...seg]));
  const parentBody = tokensToSource(parentTokens, "rclone");
  return {
    crossing,
    parent: {
      path: new RegExp(`${start}${parentBody}$`, flags),
      ancestor: new RegExp(`${start}${parentBody}\\/`, flags),
    },
  };
}

export function compileKeyPattern(pattern: string, ignoreCase: boolean): KeyPattern {
  const flags = regexFlags(ignoreCase);
  // aws patterns are relative to the location root already; a leading "/" adds nothing
  const tokens = tokenizeGlob(pattern.startsWith("/") ? pattern.slice(1) : pattern, "fnmatch");
  if (tokens.length === 0) throw emptyPattern();
  // fnmatch has no directories; "dir/" is read the way a user means it: everything under dir/
  if (tokens[tokens.length - 1]!.kind === "slash") tokens.push({ kind: "star", crossing: true });

  let literalPrefix = "";
  let n = 0;
  for (; n < tokens.length; n++) {
    const t = tokens[n]!;
    if (t.kind === "literal") literalPrefix += t.char;
    else if (t.kind === "slash") literalPrefix += "/";
    else break;
  }
  const rest = tokens.slice(n);
  return {
    path: new RegExp(`^${tokensToSource(tokens, "fnmatch")}$`, flags),
    literalPrefix,
    literalPrefixTest: new RegExp(`^${escapeRegex(literalPrefix)}`, flags),
    openEnded: rest.length > 0 && rest.every((t) => t.kind === "star"),
  };
}

function emptyPattern(): GlobSyntaxError {
  return new GlobSyntaxError('it is empty (a pattern needs something besides a leading or trailing "/")');
}
