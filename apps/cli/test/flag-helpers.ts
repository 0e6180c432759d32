import { Command } from "commander";
import type { FlagValues } from "../src/flags/flag-values.js";
import { registerFlags } from "../src/flags/register.js";
import { ALL_FLAGS, type FlagSpec } from "../src/flags/spec.js";

/** Parses argv for a throwaway command carrying `specs`, the way program.ts does. */
export function parseFlags(argv: string[], env: Record<string, string | undefined> = {}, specs: readonly FlagSpec[] = ALL_FLAGS): FlagValues {
  const cmd = new Command("t").exitOverride().configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
  cmd.argument("[args...]");
  const read = registerFlags(cmd, specs);
  let values: FlagValues | undefined;
  cmd.action(() => {
    values = read()(env);
  });
  cmd.parse(argv, { from: "user" });
  return values!;
}
