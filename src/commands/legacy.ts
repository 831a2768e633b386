// TEMPORARY (structure migration): adapts a group's old register(program) to the manifest's
// runner. Deleted once every group declares its commands in src/commands/index.ts.
import type { Command } from "commander";
import { readGlobals } from "../cli.js";
import type { CommandResult, Context, Io } from "../lib/context.js";
import { runCommand } from "../lib/run.js";

type Handler<O> = (options: O, ctx: Context, args: string[]) => Promise<CommandResult | void>;

export const legacy: { io?: Io; onExit?: (code: number) => void } = {};

export function action<O>(load: () => Promise<Handler<O>>) {
  return async (...argv: unknown[]): Promise<void> => {
    const command = argv[argv.length - 1] as Command;
    const handler = await load();
    const spec = { options: {}, examples: [], run: handler as never };
    legacy.onExit!(await runCommand(spec, command.opts(), command.args, readGlobals(command), legacy.io!));
  };
}
