import { readFileSync } from "node:fs";
import { parseFilesFrom, parseFilterFile, type FilterRule } from "@ferry/core";
import type { FilterSettings } from "@ferry/sdk";
import { usageError } from "../errors.js";
import type { FlagValues } from "./flag-values.js";
import { FILTER_STYLES } from "./spec.js";
import { ageValue, choiceValue, integerValue, sizeValue } from "./value-parsers.js";

export type ReadText = (path: string) => string;
const readText: ReadText = (path) => readFileSync(path, "utf8");

function readFlagFile(path: string, flag: string, read: ReadText): string {
  try {
    return read(path);
  } catch (e) {
    const code = (e as { code?: string }).code;
    const why = code === "ENOENT" ? "no such file" : code === "EACCES" ? "permission denied" : code === "EISDIR" ? "is a directory" : (e as Error).message;
    throw usageError(`${flag} ${path}: cannot read the file (${why})`, "check the path and that the file is readable");
  }
}

/** A rule from an --include/--exclude flag; `origin` lets --explain say which flag decided. */
export function ruleFromFlag(kind: "include" | "exclude", pattern: string, nth: number): FilterRule {
  return { action: kind, pattern, origin: `--${kind} #${nth}` };
}

/** Filter flags → the SDK's FilterSettings. Rule order is the order of the flags on the line. */
export function filterSettings(flags: FlagValues, read: ReadText = readText): FilterSettings {
  const out: FilterSettings = {};
  const ordered = flags.orderedFilters;
  const kinds = new Set(ordered.map((o) => o.kind));
  if (kinds.has("filter-from") || (kinds.has("include") && kinds.has("exclude"))) {
    const rules: FilterRule[] = [];
    const seen = { include: 0, exclude: 0 };
    for (const arg of ordered) {
      if (arg.kind === "filter-from") {
        const text = readFlagFile(arg.value, "--filter-from", read);
        try {
          rules.push(...parseFilterFile(text, arg.value));
        } catch (e) {
          throw usageError(`--filter-from ${arg.value}: ${(e as Error).message}`, "each line is `+ PATTERN`, `- PATTERN` or a `#` comment");
        }
      } else {
        rules.push(ruleFromFlag(arg.kind, arg.value, ++seen[arg.kind]));
      }
    }
    out.filters = rules;
  } else if (kinds.has("include")) {
    out.include = ordered.map((o) => o.value);
  } else if (kinds.has("exclude")) {
    out.exclude = ordered.map((o) => o.value);
  }

  const style = flags.str("filter-style");
  if (flags.bool("match-full-path")) {
    if (style !== undefined && style !== "first-match") {
      throw usageError(`${flags.given("match-full-path")} means --filter-style first-match; it conflicts with ${flags.given("filter-style")} ${style}`);
    }
    out.filterStyle = "first-match";
  } else if (style !== undefined) {
    out.filterStyle = choiceValue(style, flags.given("filter-style"), FILTER_STYLES);
  }
  if (flags.bool("ignore-case")) out.ignoreCase = true;

  const filesFrom = flags.str("files-from");
  if (filesFrom !== undefined) {
    const text = readFlagFile(filesFrom, "--files-from", read);
    try {
      out.filesFrom = parseFilesFrom(text);
    } catch (e) {
      throw usageError(`--files-from ${filesFrom}: ${(e as Error).message}`);
    }
  }

  const minSize = flags.str("min-size");
  if (minSize !== undefined) out.minSize = sizeValue(minSize, flags.given("min-size"));
  const maxSize = flags.str("max-size");
  if (maxSize !== undefined) out.maxSize = sizeValue(maxSize, flags.given("max-size"));
  if (out.minSize !== undefined && out.maxSize !== undefined && (out.minSize as number) > (out.maxSize as number)) {
    throw usageError(`--min-size ${minSize} is larger than --max-size ${maxSize}: no key could match`);
  }
  const minAge = flags.str("min-age");
  if (minAge !== undefined) out.minAge = ageValue(minAge, flags.given("min-age"));
  const maxAge = flags.str("max-age");
  if (maxAge !== undefined) out.maxAge = ageValue(maxAge, flags.given("max-age"));
  const start = flags.str("start");
  if (start !== undefined) out.start = start;
  const end = flags.str("end");
  if (end !== undefined) out.end = end;
  if (start !== undefined && end !== undefined && Buffer.compare(Buffer.from(start), Buffer.from(end)) > 0) {
    throw usageError(`--start ${start} comes after --end ${end}: the key range is empty`);
  }
  const limit = flags.str("limit");
  if (limit !== undefined) out.limit = integerValue(limit, flags.given("limit"), 1);
  return out;
}
