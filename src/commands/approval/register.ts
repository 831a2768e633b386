import type { Command } from "commander";
import { notBuilt } from "../not-built.js";

export function register(program: Command): void {
  notBuilt(
    program
      .command("approval")
      .description("manual approval workflow: start an execution, run the activity worker that mails links, serve the approve/reject page"),
    "issue #3",
  );
}
