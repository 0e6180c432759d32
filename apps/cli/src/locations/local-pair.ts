import { existsSync, realpathSync, statSync } from "node:fs";
import { dirname, relative, resolve, isAbsolute } from "node:path";
import { fileURLToPath } from "node:url";
import { FerryError } from "@ferry/core";
import { usageError } from "../errors.js";
import type { LocationArg } from "./location-arg.js";

/** Absolute real path of a local location, resolving symlinks of the part that exists. */
export function realLocalPath(loc: LocationArg): string {
  const path = loc.form === "url" ? fileURLToPath(loc.arg) : resolve(loc.arg);
  let existing = path;
  const rest: string[] = [];
  while (!existsSync(existing)) {
    const parent = dirname(existing);
    if (parent === existing) break;
    rest.unshift(existing.slice(parent.length).replace(/^[/\\]/, ""));
    existing = parent;
  }
  let real = existing;
  try {
    real = realpathSync(existing);
  } catch {
    // unreadable ancestors: compare the lexical path
  }
  return resolve(real, ...rest);
}

function inside(child: string, parent: string): boolean {
  const rel = relative(parent, child);
  return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
}

/**
 * SPEC §13: SRC and DST may not overlap (one inside the other) on the same local storage —
 * a sync into its own source would copy itself forever or delete what it reads.
 */
export function assertLocalPairDisjoint(src: LocationArg, dst: LocationArg): void {
  if (src.adapter !== "local" || dst.adapter !== "local") return;
  const a = realLocalPath(src);
  const b = realLocalPath(dst);
  if (inside(b, a) || inside(a, b)) {
    const how = a === b ? "are the same folder" : inside(b, a) ? "overlap: DST is inside SRC" : "overlap: SRC is inside DST";
    throw usageError(`${src.display} and ${dst.display} ${how}`, "pick a destination outside the source (and a source outside the destination)");
  }
}

/** A local source must exist and be a folder (exit 3 when it is missing). */
export function assertLocalSourceExists(src: LocationArg, role = "source"): void {
  if (src.adapter !== "local") return;
  const path = src.form === "url" ? fileURLToPath(src.arg) : resolve(src.arg);
  let stat;
  try {
    stat = statSync(path);
  } catch {
    throw new FerryError("NotFound", `${role} ${src.display} does not exist`, { adapter: "local", hint: "check the path (local paths are relative to the current folder)" });
  }
  if (!stat.isDirectory()) {
    throw usageError(`${role} ${src.display} is a file, not a folder`, `sync its folder and select the file with --include ${JSON.stringify(src.display.split("/").pop())}`);
  }
}
