import type { Command, Option } from "commander";
import { completionValues, defineCommand, type OptionsOf } from "../lib/command.js";
import type { CommandResult, Context } from "../lib/context.js";
import { completionScript, SHELLS, type CompletionNode, type Shell } from "../lib/completion.js";
import { UsageError } from "../lib/errors.js";

const flags = {};

export default defineCommand({
  options: flags,
  args: [{ name: "<shell>", description: `bash, zsh or fish`, values: SHELLS }],
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
async function completion(_options: OptionsOf<typeof flags>, _ctx: Context, args: string[]): Promise<CommandResult> {
  const shell = args[0] as Shell;
  if (!SHELLS.includes(shell)) {
    throw new UsageError(`completion: unknown shell ${JSON.stringify(args[0] ?? "")}`, `pass one of: ${SHELLS.join(", ")}`);
  }
  const tree = await commandTree();
  const script = completionScript(shell, tree);
  return { data: { shell, script }, text: script };
}

/**
 * The whole tree, with options: builds the program as the CLI does, then loads every
 * manifest command's declaration (normally loaded only when that command runs).
 */
export async function commandTree(): Promise<CompletionNode> {
  const [{ buildProgram, declare }, { commands }] = await Promise.all([import("../cli.js"), import("./index.js")]);
  const quiet = { write: () => true };
  const io = { stdout: quiet, stderr: quiet, stdin: process.stdin, env: {}, onInterrupt: () => () => {}, exitNow: () => {} };
  const program = buildProgram(io, () => {});
  for (const entry of commands) {
    let command: Command | undefined = program;
    for (const name of entry.path) command = command?.commands.find((c) => c.name() === name);
    if (command) declare(command, (await entry.load()).default, io, () => {});
  }
  return toNode(program);
}

function toNode(command: Command): CompletionNode {
  const visible = (option: Option) => !option.hidden;
  return {
    name: command.name(),
    description: command.description(),
    options: [...command.options.filter(visible).map(toOption), { names: ["--help", "-h"], description: "display help", takesValue: false }],
    argValues: command.registeredArguments.flatMap((arg) => completionValues.get(arg) ?? []),
    subcommands: command.commands.filter((c) => !(c as unknown as { _hidden?: boolean })._hidden).map(toNode),
  };
}

function toOption(option: Option) {
  return {
    names: [option.short, option.long].filter((name): name is string => Boolean(name)),
    description: option.description,
    takesValue: option.required || option.optional,
    choices: option.argChoices ?? completionValues.get(option),
  };
}
