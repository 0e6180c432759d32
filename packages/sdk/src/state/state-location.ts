import { createHash } from "node:crypto";
import os from "node:os";
import path from "node:path";
import type { FilterSettings } from "../options.js";
import { filterRules } from "../settings.js";

/** `$XDG_STATE_HOME/ferry`, else `~/.local/state/ferry` (the XDG default). */
export function defaultStateDir(env: Record<string, string | undefined> = process.env): string {
  const xdg = env.XDG_STATE_HOME;
  if (xdg && path.isAbsolute(xdg)) return path.join(xdg, "ferry");
  return path.join(env.HOME || os.homedir(), ".local", "state", "ferry");
}

/** A root as compared between runs: the adapter's URL with exactly one trailing slash. */
export function normalizeRoot(root: string): string {
  return root.replace(/\/*$/, "/");
}

/**
 * Everything in the filter settings that decides which keys a run sees, as canonical JSON.
 * Changing any of it gives a different state (the old one would make keys newly in scope look
 * new and keys newly out of scope look deleted); rule origins are only labels and are left out.
 */
export function filterFingerprint(f: FilterSettings): string {
  const rules = filterRules(f).map((r) => [r.action, r.pattern]);
  return JSON.stringify({
    rules,
    style: f.filterStyle ?? "first-match",
    ignoreCase: !!f.ignoreCase,
    filesFrom: f.filesFrom ?? null,
    minSize: f.minSize ?? null,
    maxSize: f.maxSize ?? null,
    minAge: f.minAge ?? null,
    maxAge: f.maxAge ?? null,
    start: f.start ?? null,
    end: f.end ?? null,
  });
}

export interface PairFiles {
  /** the saved state of this pair under this filter set */
  state: string;
  /** the lock of this pair of roots, whatever the filters: two runs over the same trees race */
  lock: string;
}

/**
 * File names for a pair. The pair is unordered (`bisync A B` and `bisync B A` share state and
 * lock); names start with a readable form of the roots and end with a hash that decides.
 */
export function pairFiles(stateDir: string, roots: { src: string; dst: string }, filter: string): PairFiles {
  const ordered = [roots.src, roots.dst].sort();
  const pairId = digest(JSON.stringify(ordered));
  const stateId = digest(JSON.stringify([ordered, filter]));
  const label = ordered.map(readable).join("__").slice(0, 80);
  return {
    state: path.join(stateDir, `${label}.${stateId}.bisync-state`),
    lock: path.join(stateDir, `${label}.${pairId}.bisync-lock`),
  };
}

const digest = (text: string) => createHash("sha256").update(text).digest("hex").slice(0, 16);
const readable = (root: string) =>
  root
    .replace(/^[a-z][a-z0-9+.-]*:\/\//i, "")
    .replace(/[^A-Za-z0-9._-]+/g, "_")
    .replace(/^_+|_+$/g, "")
    .slice(-38) || "root";
