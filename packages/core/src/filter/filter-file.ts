import { FerryError } from "../errors.js";
import type { FilterRule } from "./types.js";

/**
 * --filter-from files, rclone's format: "+ PATTERN" includes, "- PATTERN" excludes, lines
 * starting with "#" or ";" are comments, blank lines are skipped, surrounding whitespace is
 * trimmed. rclone's "!" (clear all rules so far) is refused: here a file's rules are appended
 * to the command line's, and silently clearing only the file's own rules would not do what an
 * rclone user means.
 */
export function parseFilterFile(text: string, origin: string): FilterRule[] {
  const rules: FilterRule[] = [];
  const lines = stripBom(text).split(/\r?\n/);
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!.trim();
    if (line === "" || line.startsWith("#") || line.startsWith(";")) continue;
    const where = `${origin}:${n + 1}`;
    if (line === "!" || line.startsWith("! ")) {
      throw new FerryError("Usage", `${where}: "!" (clear the rules so far) is not supported in filter files`, {
        hint: "remove the line and list only the rules you want, in order",
      });
    }
    const sign = line[0];
    if ((sign === "+" || sign === "-") && /\s/.test(line[1] ?? "")) {
      const pattern = line.slice(2).trimStart();
      if (pattern !== "") {
        rules.push({ action: sign === "+" ? "include" : "exclude", pattern, origin: where });
        continue;
      }
    }
    throw new FerryError("Usage", `${where}: malformed filter rule ${JSON.stringify(line)}`, {
      hint: 'write "+ PATTERN" to include or "- PATTERN" to exclude; "#" starts a comment',
    });
  }
  return rules;
}

/**
 * --files-from files: one key per line, trimmed; blank lines and "#" comments skipped; a
 * leading "/" dropped (keys are relative to the location root). A line ending in "/" names a
 * prefix and selects everything below it.
 */
export function parseFilesFrom(text: string): string[] {
  const keys: string[] = [];
  for (const raw of stripBom(text).split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const key = line.replace(/^\/+/, "");
    if (key !== "") keys.push(key);
  }
  return keys;
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
