import { usageError } from "../errors.js";
import { envName as envNameOf, type FlagSpec } from "./spec.js";

/** An include/exclude/filter-from flag in the position the user gave it. */
export interface OrderedFilterArg {
  kind: "include" | "exclude" | "filter-from";
  value: string;
}

export type FlagSource = "cli" | "env";

/**
 * The flags one command received, by canonical name, after aliases and FERRY_* environment
 * defaults were folded in. Remembers how each value was given so messages can name the
 * spelling the user actually typed.
 */
export class FlagValues {
  constructor(
    private readonly values: ReadonlyMap<string, unknown>,
    private readonly spelled: ReadonlyMap<string, string>,
    private readonly sources: ReadonlyMap<string, FlagSource>,
    readonly orderedFilters: readonly OrderedFilterArg[],
  ) {}

  static of(values: Record<string, unknown>, orderedFilters: OrderedFilterArg[] = []): FlagValues {
    const map = new Map(Object.entries(values).filter(([, v]) => v !== undefined));
    const spelled = new Map([...map.keys()].map((k) => [k, `--${k}`]));
    const sources = new Map([...map.keys()].map((k) => [k, "cli" as const]));
    return new FlagValues(map, spelled, sources, orderedFilters);
  }

  has(name: string): boolean {
    const v = this.values.get(name);
    return v !== undefined && v !== false && !(Array.isArray(v) && v.length === 0);
  }

  bool(name: string): boolean {
    return this.values.get(name) === true;
  }

  /** A value-taking flag; booleans given without value come back as undefined. */
  str(name: string): string | undefined {
    const v = this.values.get(name);
    return typeof v === "string" ? v : undefined;
  }

  raw(name: string): unknown {
    return this.values.get(name);
  }

  list(name: string): string[] {
    const v = this.values.get(name);
    if (Array.isArray(v)) return v as string[];
    return typeof v === "string" ? [v] : [];
  }

  source(name: string): FlagSource | undefined {
    return this.sources.get(name);
  }

  /** How the user gave the flag: `--prune`, `-n` or `FERRY_DELETE`. */
  given(name: string): string {
    return this.spelled.get(name) ?? `--${name}`;
  }

  /** All flag names that are set (true, a value, or a non-empty list). */
  names(): string[] {
    return [...this.values.keys()].filter((k) => this.has(k));
  }
}

const TRUE = new Set(["1", "true", "yes", "on"]);
const FALSE = new Set(["0", "false", "no", "off", ""]);

export function parseBoolean(value: string, where: string): boolean {
  const v = value.trim().toLowerCase();
  if (TRUE.has(v)) return true;
  if (FALSE.has(v)) return false;
  throw usageError(`${where}: expected true or false, got "${value}"`);
}

/** Reads a FERRY_<FLAG> environment default for a flag the command line did not give. */
export function envDefault(spec: FlagSpec, env: Record<string, string | undefined>): unknown {
  const name = envNameOf(spec.name);
  const raw = env[name];
  if (raw === undefined) return undefined;
  if (!spec.value) return parseBoolean(raw, name);
  if (spec.optionalValue) return raw;
  // A repeatable flag takes one value per line from the environment.
  if (spec.repeatable) return raw.split("\n").map((s) => s.trim()).filter((s) => s !== "");
  return raw;
}

export function envName(spec: FlagSpec): string {
  return envNameOf(spec.name);
}
