import type { KeyPattern } from "./pattern.js";
import { keyPatternCoversAllBelow, keyPatternMayMatchBelow } from "./pruning.js";
import { NO_RULE_MATCHED, type RuleEngine, type RuleOutcome } from "./rule-engine.js";

/**
 * `aws s3 sync`'s style: every rule is tested and the last match decides, so
 * `--exclude "*" --include "*.txt"` keeps only .txt files while the reverse order keeps none.
 * Scanning from the last rule backwards finds that match first.
 */
export class AwsEngine implements RuleEngine {
  constructor(
    private readonly patterns: readonly KeyPattern[],
    private readonly include: readonly boolean[],
    private readonly ignoreCase: boolean,
  ) {}

  includes(key: string): boolean {
    const patterns = this.patterns;
    for (let i = patterns.length - 1; i >= 0; i--) if (patterns[i]!.path.test(key)) return this.include[i]!;
    return true;
  }

  decide(key: string): RuleOutcome {
    for (let i = this.patterns.length - 1; i >= 0; i--) {
      if (this.patterns[i]!.path.test(key)) return { included: this.include[i]!, index: i };
    }
    return NO_RULE_MATCHED;
  }

  excludesDirectory(dir: string): boolean {
    for (let i = this.patterns.length - 1; i >= 0; i--) {
      const p = this.patterns[i]!;
      if (this.include[i]) {
        if (keyPatternMayMatchBelow(p, dir, this.ignoreCase)) return false;
      } else if (keyPatternCoversAllBelow(p, dir)) {
        return true;
      }
    }
    return false;
  }
}
