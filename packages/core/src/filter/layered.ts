import type { PathPattern } from "./pattern.js";
import { pathPatternCoversAllChildren, pathPatternMayMatchBelow, splitDirectory } from "./pruning.js";
import { isDirectoryMarker, NO_RULE_MATCHED, type RuleEngine, type RuleOutcome } from "./rule-engine.js";

/**
 * rsync's and juicefs's default style: "a/b/c.txt" is tested as the layers "a" (directory),
 * "a/b" (directory), "a/b/c.txt" (file). At each layer the first matching rule decides that
 * layer: an exclude excludes the key outright, an include only moves on to the next layer.
 * A key is included when no layer was excluded.
 *
 * Keys arrive sorted, so siblings share their directories: a directory's verdict is computed
 * once (from its parent's) and memoised, and a key then costs one pass over the rules.
 */

interface DirectoryVerdict {
  readonly excluded: boolean;
  /** the excluding rule and the directory it excluded */
  readonly index: number;
  readonly directory: string;
}

const DIRECTORY_PASSES: DirectoryVerdict = { excluded: false, index: -1, directory: "" };
// Enough for the directories of any sorted walk in flight; cleared, not evicted, when full.
const MEMO_LIMIT = 4096;

export class LayeredEngine implements RuleEngine {
  private readonly fileTests: readonly (RegExp | null)[];
  private readonly dirTests: readonly RegExp[];
  private readonly memo = new Map<string, DirectoryVerdict>();
  private lastDirectory: string | undefined;
  private lastVerdict: DirectoryVerdict = DIRECTORY_PASSES;

  constructor(
    private readonly patterns: readonly PathPattern[],
    private readonly include: readonly boolean[],
  ) {
    // directory rules match directory layers only; other rules match both kinds of layer
    this.fileTests = patterns.map((p) => (p.dirOnly ? null : p.path));
    this.dirTests = patterns.map((p) => p.path);
  }

  includes(key: string): boolean {
    if (isDirectoryMarker(key)) return !this.directoryVerdict(key.slice(0, -1)).excluded;
    const slash = key.lastIndexOf("/");
    if (slash > 0 && this.directoryVerdict(key.slice(0, slash)).excluded) return false;
    const i = this.firstFileMatch(key);
    return i < 0 || this.include[i]!;
  }

  decide(key: string): RuleOutcome {
    const marker = isDirectoryMarker(key);
    const path = marker ? key.slice(0, -1) : key;
    const slash = path.lastIndexOf("/");
    if (slash > 0) {
      const parent = this.directoryVerdict(path.slice(0, slash));
      if (parent.excluded) return { included: false, index: parent.index, directory: parent.directory };
    }
    const i = marker ? this.firstDirectoryMatch(path) : this.firstFileMatch(key);
    return i < 0 ? NO_RULE_MATCHED : { included: this.include[i]!, index: i };
  }

  excludesDirectory(dir: string): boolean {
    if (dir !== "" && this.directoryVerdict(dir).excluded) return true;
    // Every key below dir passes through a layer one level below it; if the first rule that
    // can match there always excludes, nothing below can be included.
    const dirSegments = splitDirectory(dir);
    for (let i = 0; i < this.patterns.length; i++) {
      const p = this.patterns[i]!;
      if (this.include[i]) {
        if (pathPatternMayMatchBelow(p, dirSegments, "child")) return false;
      } else if (pathPatternCoversAllChildren(p, dir)) {
        return true;
      }
    }
    return false;
  }

  private directoryVerdict(dir: string): DirectoryVerdict {
    if (dir === this.lastDirectory) return this.lastVerdict;
    let verdict = this.memo.get(dir);
    if (verdict === undefined) {
      const slash = dir.lastIndexOf("/");
      const parent = slash > 0 ? this.directoryVerdict(dir.slice(0, slash)) : DIRECTORY_PASSES;
      if (parent.excluded) {
        verdict = parent;
      } else {
        const i = this.firstDirectoryMatch(dir);
        verdict = i >= 0 && !this.include[i] ? { excluded: true, index: i, directory: dir } : DIRECTORY_PASSES;
      }
      if (this.memo.size >= MEMO_LIMIT) this.memo.clear();
      this.memo.set(dir, verdict);
    }
    this.lastDirectory = dir;
    this.lastVerdict = verdict;
    return verdict;
  }

  private firstDirectoryMatch(dir: string): number {
    const tests = this.dirTests;
    for (let i = 0; i < tests.length; i++) if (tests[i]!.test(dir)) return i;
    return -1;
  }

  private firstFileMatch(key: string): number {
    const tests = this.fileTests;
    for (let i = 0; i < tests.length; i++) {
      const test = tests[i]!;
      if (test !== null && test.test(key)) return i;
    }
    return -1;
  }
}
