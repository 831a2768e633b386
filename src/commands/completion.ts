import { arg, defineCommand, type ArgsOf, type OptionsOf } from "../lib/command.js";
import type { CommandResult, Context } from "../lib/context.js";
import { completionScript, SHELLS, type Shell } from "../lib/completion.js";
import { FailureError, UsageError } from "../lib/errors.js";

const flags = {};
const args = { shell: { ...arg("<shell>", "bash, zsh or fish", parseShell), values: SHELLS } };

export default defineCommand({
  options: flags,
  args,
  help: `
Prints a completion script for the shell, generated from the command tree (every command,
its options and their choices). Load it from your shell's start-up file:
  bash  ~/.bashrc:                 source <(awsblog completion bash)
  zsh   ~/.zshrc:                  source <(awsblog completion zsh)
  fish  ~/.config/fish/config.fish: awsblog completion fish | source`,
  examples: ["awsblog completion bash > ~/.local/share/bash-completion/completions/awsblog"],
  run: completion,
});

/** `awsblog completion <shell>`: the script on stdout (plain text whatever --output says). */
async function completion(_options: OptionsOf<typeof flags>, ctx: Context, { shell }: ArgsOf<typeof args>): Promise<CommandResult> {
  if (!ctx.commandTree) throw new FailureError("no command tree to complete from", "run it as `awsblog completion <shell>`");
  const tree = await ctx.commandTree();
  const script = completionScript(shell, tree);
  return { data: { shell, script }, text: script };
}

function parseShell(value: string): Shell {
  if (!SHELLS.includes(value as Shell)) throw new UsageError(`completion: unknown shell ${JSON.stringify(value)}`, `pass one of: ${SHELLS.join(", ")}`);
  return value as Shell;
}
