/**
 * What each filter style (first-match, layered, aws) provides over an ordered rule list.
 * Rules are referred to by their index in that list; the caller keeps the FilterRule objects.
 */
export interface RuleEngine {
  /** hot path: no allocation beyond what the RegExp engine does */
  includes(key: string): boolean;
  /** the same decision, with the deciding rule for explanations */
  decide(key: string): RuleOutcome;
  /**
   * True only when no key below directory `dir` ("" = the root, no trailing "/") can be
   * included by the rules. Conservative: "false" whenever the analysis is unsure.
   */
  excludesDirectory(dir: string): boolean;
}

export interface RuleOutcome {
  readonly included: boolean;
  /** index of the deciding rule, -1 when none matched */
  readonly index: number;
  /** layered style: the directory that decided ("a/b"), when it was not the key itself */
  readonly directory?: string;
}

export const NO_RULE_MATCHED: RuleOutcome = { included: true, index: -1 };

/** A key ending in "/" is a directory marker object (S3 "folders"); it stands for that directory. */
export function isDirectoryMarker(key: string): boolean {
  return key.charCodeAt(key.length - 1) === 0x2f;
}

/** "a/b" → "a/b/", "" (root) → "": the prefix every key below the directory starts with. */
export function directoryPrefix(dir: string): string {
  return dir === "" ? "" : `${dir}/`;
}
