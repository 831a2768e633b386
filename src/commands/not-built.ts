import type { Command } from "commander";
import { FailureError } from "../lib/errors.js";
import { action } from "../lib/run.js";

/** Placeholder action for a command group whose issue has not landed yet: says so, exits 1. */
export function notBuilt(command: Command, issue: string): Command {
  return command.allowUnknownOption().allowExcessArguments().action(
    action(async () => async () => {
      throw new FailureError(`\`awsblog ${command.name()}\` is not built yet`, `track ${issue}`);
    }),
  );
}
