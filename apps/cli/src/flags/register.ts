import { Command, Option } from "commander";
import { envDefault, envName, FlagValues, type FlagSource, type OrderedFilterArg } from "./flag-values.js";
import { envName as toEnvName, type FlagSpec } from "./spec.js";

const ORDERED = new Set(["include", "exclude", "filter-from"]);

interface Registered {
  spec: FlagSpec;
  /** commander attribute name of the canonical option and of each alias option */
  attributes: Array<{ attribute: string; spelled: string }>;
}

/**
 * Adds flag specs to a command and returns a function that reads them back after parsing.
 * Include/exclude/filter-from share one ordered list filled by commander's per-occurrence
 * argument parsers, which run in argv order — commander itself keeps one array per option and
 * would lose the relative order of `--include a --exclude b --include c`.
 */
export function registerFlags(command: Command, specs: readonly FlagSpec[]): () => (env: Record<string, string | undefined>) => FlagValues {
  const ordered: OrderedFilterArg[] = [];
  const registered: Registered[] = [];

  for (const spec of specs) {
    const entry: Registered = { spec, attributes: [] };
    const spellings = [spec.name, ...(spec.aliases ?? [])];
    spellings.forEach((long, i) => {
      const short = i === 0 && spec.short ? `-${spec.short}, ` : "";
      const value = spec.value ? (spec.optionalValue ? " [value]" : ` ${spec.value}`) : "";
      const help = i === 0 ? describe(spec) : `alias of --${spec.name}`;
      const option = new Option(`${short}--${long}${value}`, help);
      if (i > 0) option.hideHelp();
      if (spec.repeatable) {
        option.argParser((v: string, previous: string[] | undefined) => {
          if (ORDERED.has(spec.name)) ordered.push({ kind: spec.name as OrderedFilterArg["kind"], value: v });
          return [...(previous ?? []), v];
        });
      }
      command.addOption(option);
      entry.attributes.push({ attribute: option.attributeName(), spelled: `${short ? `-${spec.short}/` : ""}--${long}` });
    });
    registered.push(entry);
  }

  return () => (env) => {
    const opts = command.opts<Record<string, unknown>>();
    const values = new Map<string, unknown>();
    const spelled = new Map<string, string>();
    const sources = new Map<string, FlagSource>();
    for (const { spec, attributes } of registered) {
      let value: unknown;
      for (const { attribute, spelled: how } of attributes) {
        let v = opts[attribute];
        // `--no-progress` is stored by commander as `progress: false`.
        if (spec.name.startsWith("no-") && attribute === spec.name.slice(3)) v = v === false ? true : undefined;
        if (v === undefined || v === false) continue;
        if (spec.repeatable && Array.isArray(value) && Array.isArray(v)) value = [...value, ...v];
        else value = v;
        spelled.set(spec.name, how.includes("/") ? (how.split("/")[1] ?? how) : how);
        sources.set(spec.name, "cli");
      }
      if (value === undefined) {
        value = envDefault(spec, env);
        if (value !== undefined) {
          spelled.set(spec.name, envName(spec));
          sources.set(spec.name, "env");
          if (ORDERED.has(spec.name)) for (const v of value as string[]) ordered.push({ kind: spec.name as OrderedFilterArg["kind"], value: v });
        }
      }
      if (value !== undefined) values.set(spec.name, value);
    }
    return new FlagValues(values, spelled, sources, ordered);
  };
}

function describe(spec: FlagSpec): string {
  const parts = [spec.description];
  if (spec.aliases?.length) parts.push(`(aliases: ${spec.aliases.map((a) => `--${a}`).join(", ")})`);
  if (spec.repeatable) parts.push("[repeatable]");
  parts.push(`[env: ${toEnvName(spec.name)}]`);
  return parts.join(" ");
}
