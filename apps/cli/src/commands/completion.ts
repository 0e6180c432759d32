import type { Command } from "commander";
import { usageError } from "../errors.js";

export const SHELLS = ["bash", "zsh", "fish"] as const;
export type Shell = (typeof SHELLS)[number];

interface CommandWords {
  name: string;
  description: string;
  flags: string[];
}

/** Commands and their flags, read from the commander program itself so they never drift. */
export function commandWords(program: Command): CommandWords[] {
  return program.commands.map((c) => ({
    name: c.name(),
    description: c.summary() || c.description().split("\n")[0] || "",
    flags: c.options.flatMap((o) => [o.long, o.short].filter((x): x is string => typeof x === "string")).concat("--help"),
  }));
}

function bash(words: CommandWords[]): string {
  const cases = words.map((w) => `    ${w.name}) opts="${w.flags.join(" ")}" ;;`).join("\n");
  return `# ferry bash completion — add to ~/.bashrc:  source <(ferry completion bash)
_ferry() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" cmd="\${COMP_WORDS[1]}" opts
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=( $(compgen -W "${words.map((w) => w.name).join(" ")} --help --version" -- "$cur") )
    return
  fi
  case "$cmd" in
${cases}
    *) opts="" ;;
  esac
  if [[ "$cur" == -* ]]; then
    COMPREPLY=( $(compgen -W "$opts" -- "$cur") )
  else
    COMPREPLY=( $(compgen -f -- "$cur") )
  fi
}
complete -o filenames -F _ferry ferry
`;
}

function zsh(words: CommandWords[]): string {
  const q = (s: string) => s.replace(/'/g, "'\\''").replace(/:/g, "\\:");
  const cmds = words.map((w) => `    '${w.name}:${q(w.description)}'`).join("\n");
  const cases = words.map((w) => `    ${w.name}) _arguments '*:file:_files' ${w.flags.map((f) => `'${f}'`).join(" ")} ;;`).join("\n");
  return `#compdef ferry
# ferry zsh completion — add to ~/.zshrc:  source <(ferry completion zsh)
_ferry() {
  local -a commands
  commands=(
${cmds}
  )
  if (( CURRENT == 2 )); then
    _describe 'command' commands
    return
  fi
  case "\${words[2]}" in
${cases}
  esac
}
compdef _ferry ferry
`;
}

function fish(words: CommandWords[]): string {
  const q = (s: string) => s.replace(/'/g, "\\'");
  const lines = [`# ferry fish completion — ferry completion fish > ~/.config/fish/completions/ferry.fish`, "complete -c ferry -f"];
  for (const w of words) lines.push(`complete -c ferry -n '__fish_use_subcommand' -a ${w.name} -d '${q(w.description)}'`);
  for (const w of words) {
    for (const f of w.flags) {
      const opt = f.startsWith("--") ? `-l ${f.slice(2)}` : `-s ${f.slice(1)}`;
      lines.push(`complete -c ferry -n '__fish_seen_subcommand_from ${w.name}' ${opt}`);
    }
    lines.push(`complete -c ferry -n '__fish_seen_subcommand_from ${w.name}' -F`);
  }
  return `${lines.join("\n")}\n`;
}

export function completionScript(shell: string, program: Command): string {
  const words = commandWords(program);
  switch (shell) {
    case "bash":
      return bash(words);
    case "zsh":
      return zsh(words);
    case "fish":
      return fish(words);
    default:
      throw usageError(`completion: unknown shell "${shell}"`, `use one of: ${SHELLS.join(", ")}`);
  }
}
