import type { PathPattern } from "./pattern.js";
import { pathPatternCoversAllFilesBelow, pathPatternMayMatchBelow, splitDirectory } from "./pruning.js";
import { isDirectoryMarker, NO_RULE_MATCHED, type RuleEngine, type RuleOutcome } from "./rule-engine.js";

/**
 * rclone's (and `juicefs --match-full-path`'s) style: the first rule matching the full path
 * decides; no match = included.
 *
 * Directory rules ("P/") follow rclone: excluding "P/" is excluding "P/**" (every key below a
 * matching directory), while including "P/" only ever speaks about directories — it lets a
 * walker descend but never includes a file by itself. That keeps the juicefs example
 * `--include '*\/' --include '*.c' --exclude '*'` meaning "only .c files".
 */
export class FirstMatchEngine implements RuleEngine {
  /** per rule, the RegExp a file key is tested with, or null when the rule never matches files */
  private readonly fileTests: readonly (RegExp | null)[];

  constructor(
    private readonly patterns: readonly PathPattern[],
    private readonly include: readonly boolean[],
  ) {
    this.fileTests = patterns.map((p, i) => (p.dirOnly ? (include[i] ? null : p.ancestor) : p.path));
  }

  includes(key: string): boolean {
    if (isDirectoryMarker(key)) return this.decide(key).included;
    const tests = this.fileTests;
    for (let i = 0; i < tests.length; i++) {
      const test = tests[i]!;
      if (test !== null && test.test(key)) return this.include[i]!;
    }
    return true;
  }

  decide(key: string): RuleOutcome {
    const marker = isDirectoryMarker(key);
    for (let i = 0; i < this.patterns.length; i++) {
      if (marker ? this.matchesDirectoryMarker(i, key) : this.fileTests[i]?.test(key)) {
        return { included: this.include[i]!, index: i };
      }
    }
    return NO_RULE_MATCHED;
  }

  /** A marker "d/" is the directory d: directory rules apply to it as they would to d. */
  private matchesDirectoryMarker(i: number, marker: string): boolean {
    const p = this.patterns[i]!;
    const dir = marker.slice(0, -1);
    if (p.dirOnly) return this.include[i] ? p.path.test(dir) : p.ancestor.test(marker);
    return p.path.test(dir) || p.path.test(marker);
  }

  excludesDirectory(dir: string): boolean {
    const dirSegments = splitDirectory(dir);
    for (let i = 0; i < this.patterns.length; i++) {
      const p = this.patterns[i]!;
      if (this.include[i]) {
        if (!p.dirOnly && pathPatternMayMatchBelow(p, dirSegments, "any")) return false;
      } else if (pathPatternCoversAllFilesBelow(p, dir)) {
        return true;
      }
    }
    return false;
  }
}
