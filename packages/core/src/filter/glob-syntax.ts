/**
 * Glob syntax → tokens → RegExp source. Two dialects share one tokenizer:
 *
 * - "rclone" (first-match and layered styles): `*` stays inside one path segment, `**`
 *   crosses segments, `?` and classes never match "/", three or more stars are an error.
 * - "fnmatch" (aws style): `*`, `?` and classes match any character including "/", the way
 *   `aws s3 sync` applies Python's fnmatch to whole keys.
 *
 * Both accept `{a,b}` alternatives (nesting allowed), `[...]`, `[!...]`/`[^...]` classes with
 * ranges and POSIX names (`[[:digit:]]`), and `\` escapes. We translate ourselves instead of
 * using picomatch because picomatch's rules differ from rclone's in ways users would notice
 * (dotfiles hidden from `*`, leading `!` negation, extglobs), and because the pruning analysis
 * needs the token structure (segments, trailing stars), not just a RegExp.
 */

export type GlobDialect = "rclone" | "fnmatch";

export type GlobToken =
  | { readonly kind: "literal"; readonly char: string }
  /** `crossing` when the star may match "/" (`**`, or any star in the fnmatch dialect) */
  | { readonly kind: "star"; readonly crossing: boolean }
  | { readonly kind: "one" }
  /** `source` is a ready RegExp fragment (in the rclone dialect it already refuses "/") */
  | { readonly kind: "class"; readonly source: string }
  | { readonly kind: "alt"; readonly branches: readonly (readonly GlobToken[])[] }
  | { readonly kind: "slash" };

/** A syntax problem in one pattern; the caller names the pattern and where it came from. */
export class GlobSyntaxError extends Error {
  override readonly name = "GlobSyntaxError";
}

// With the `u` flag an identity escape is legal only for these characters (and "-" only inside
// a class), so escaping must be exact rather than generous.
const REGEX_SYNTAX = new Set(Array.from("^$\\.*+?()[]{}|/"));

export function escapeRegexChar(char: string, inClass = false): string {
  return REGEX_SYNTAX.has(char) || (inClass && char === "-") ? `\\${char}` : char;
}

export function escapeRegex(text: string): string {
  let out = "";
  for (const char of text) out += escapeRegexChar(char);
  return out;
}

/** ASCII meanings, like Go's regexp (which rclone hands its classes to). */
const POSIX_CLASSES: Readonly<Record<string, { source: string; slash: boolean }>> = {
  alnum: { source: "0-9A-Za-z", slash: false },
  alpha: { source: "A-Za-z", slash: false },
  ascii: { source: "\\x00-\\x7F", slash: true },
  blank: { source: "\\t ", slash: false },
  cntrl: { source: "\\x00-\\x1F\\x7F", slash: false },
  digit: { source: "0-9", slash: false },
  graph: { source: "!-~", slash: true },
  lower: { source: "a-z", slash: false },
  print: { source: " -~", slash: true },
  punct: { source: "!-\\/:-@\\[-`\\{-~", slash: true },
  space: { source: "\\t\\n\\v\\f\\r ", slash: false },
  upper: { source: "A-Z", slash: false },
  word: { source: "0-9A-Za-z_", slash: false },
  xdigit: { source: "0-9A-Fa-f", slash: false },
};

const SLASH_CODE = 0x2f;

interface OpenBrace {
  readonly branches: GlobToken[][];
  readonly parent: GlobToken[];
}

export function tokenizeGlob(pattern: string, dialect: GlobDialect): GlobToken[] {
  const chars = Array.from(pattern); // code points, so `?` and classes see whole characters
  const root: GlobToken[] = [];
  let out = root;
  const braces: OpenBrace[] = [];
  let i = 0;
  while (i < chars.length) {
    const c = chars[i]!;
    switch (c) {
      case "\\": {
        const next = chars[i + 1];
        if (next === undefined) throw new GlobSyntaxError('it ends with a lone "\\" (write "\\\\" for a literal backslash)');
        // an escaped "/" is still a path separator: escaping cannot put "/" inside a name
        out.push(next === "/" ? { kind: "slash" } : { kind: "literal", char: next });
        i += 2;
        break;
      }
      case "*": {
        let n = 1;
        while (chars[i + n] === "*") n++;
        if (dialect === "rclone" && n > 2) {
          throw new GlobSyntaxError(`it has ${n} "*" in a row (use "*" within a name or "**" across "/")`);
        }
        out.push({ kind: "star", crossing: dialect === "fnmatch" || n === 2 });
        i += n;
        break;
      }
      case "?":
        out.push({ kind: "one" });
        i++;
        break;
      case "[": {
        const { source, end } = parseClass(chars, i, dialect);
        out.push({ kind: "class", source });
        i = end;
        break;
      }
      case "{": {
        const first: GlobToken[] = [];
        const branches = [first];
        out.push({ kind: "alt", branches });
        braces.push({ branches, parent: out });
        out = first;
        i++;
        break;
      }
      case ",": {
        const open = braces[braces.length - 1];
        if (open) {
          out = [];
          open.branches.push(out);
        } else {
          out.push({ kind: "literal", char: c });
        }
        i++;
        break;
      }
      case "}": {
        const open = braces.pop();
        if (!open) throw new GlobSyntaxError('it has a "}" without a "{" (write "\\}" for a literal brace)');
        out = open.parent;
        i++;
        break;
      }
      case "/":
        out.push({ kind: "slash" });
        i++;
        break;
      default:
        out.push({ kind: "literal", char: c });
        i++;
    }
  }
  if (braces.length > 0) throw new GlobSyntaxError('a "{" is never closed with "}" (write "\\{" for a literal brace)');
  return root;
}

function parseClass(chars: readonly string[], start: number, dialect: GlobDialect): { source: string; end: number } {
  const unclosed = () => new GlobSyntaxError('a "[" is never closed with "]" (write "\\[" for a literal bracket)');
  let i = start + 1;
  let negate = false;
  if (chars[i] === "!" || chars[i] === "^") {
    negate = true;
    i++;
  }
  let body = "";
  let mayMatchSlash = false;
  let first = true;
  const takeChar = (): string => {
    const c = chars[i];
    if (c === undefined) throw unclosed();
    if (c === "\\") {
      const next = chars[i + 1];
      if (next === undefined) throw unclosed();
      i += 2;
      return next;
    }
    i++;
    return c;
  };
  for (;;) {
    const c = chars[i];
    if (c === undefined) throw unclosed();
    // POSIX: a "]" right after "[" or "[!" is a member, not the end
    if (c === "]" && !first) {
      i++;
      break;
    }
    first = false;
    if (c === "[" && chars[i + 1] === ":") {
      const close = chars.indexOf(":", i + 2);
      if (close < 0 || chars[close + 1] !== "]") throw new GlobSyntaxError('a "[:" class name is never closed with ":]"');
      const name = chars.slice(i + 2, close).join("");
      const posix = POSIX_CLASSES[name];
      if (!posix) throw new GlobSyntaxError(`"[:${name}:]" is not a known class (known: ${Object.keys(POSIX_CLASSES).join(", ")})`);
      body += posix.source;
      mayMatchSlash ||= posix.slash;
      i = close + 2;
      continue;
    }
    const low = takeChar();
    if (chars[i] === "-" && chars[i + 1] !== undefined && chars[i + 1] !== "]") {
      i++;
      const high = takeChar();
      const lo = low.codePointAt(0)!;
      const hi = high.codePointAt(0)!;
      if (hi < lo) throw new GlobSyntaxError(`the range "${low}-${high}" is reversed (write "${high}-${low}")`);
      body += `${escapeRegexChar(low, true)}-${escapeRegexChar(high, true)}`;
      mayMatchSlash ||= lo <= SLASH_CODE && SLASH_CODE <= hi;
    } else {
      body += escapeRegexChar(low, true);
      mayMatchSlash ||= low === "/";
    }
  }
  if (dialect === "fnmatch") return { source: negate ? `[^${body}]` : `[${body}]`, end: i };
  // rclone dialect: a class is one character of a name, never the separator
  if (negate) return { source: `[^${body}\\/]`, end: i };
  return { source: mayMatchSlash ? `(?!\\/)[${body}]` : `[${body}]`, end: i };
}

/** RegExp source for a token sequence (no anchors). */
export function tokensToSource(tokens: readonly GlobToken[], dialect: GlobDialect): string {
  let out = "";
  for (const t of tokens) {
    switch (t.kind) {
      case "literal":
        out += escapeRegexChar(t.char);
        break;
      case "star":
        out += t.crossing ? ".*" : "[^/]*";
        break;
      case "one":
        out += dialect === "rclone" ? "[^/]" : ".";
        break;
      case "class":
        out += t.source;
        break;
      case "alt":
        out += `(?:${t.branches.map((b) => tokensToSource(b, dialect)).join("|")})`;
        break;
      case "slash":
        out += "\\/";
        break;
    }
  }
  return out;
}

/** True when the tokens can match text containing "/" (so segment-by-segment reasoning fails). */
export function mayCrossSegments(tokens: readonly GlobToken[]): boolean {
  return tokens.some(
    (t) => t.kind === "slash" || (t.kind === "star" && t.crossing) || (t.kind === "alt" && t.branches.some(mayCrossSegments)),
  );
}

/** Splits top-level tokens at "/" (slashes inside braces stay inside their segment). */
export function splitSegments(tokens: readonly GlobToken[]): GlobToken[][] {
  const segments: GlobToken[][] = [[]];
  for (const t of tokens) {
    if (t.kind === "slash") segments.push([]);
    else segments[segments.length - 1]!.push(t);
  }
  return segments;
}

/** RegExp flags: code points (`u`), newlines in keys are ordinary characters (`s`). */
export function regexFlags(ignoreCase: boolean): string {
  return ignoreCase ? "isu" : "su";
}
