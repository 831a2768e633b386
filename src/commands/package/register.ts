import type { Command } from "commander";
import { notBuilt } from "../not-built.js";

export function register(program: Command): void {
  notBuilt(program.command("package").description("zip a PHP, Go or Ruby program with a safe Node.js wrapper for Lambda; verify; run locally"), "issue #7");
  notBuilt(program.command("deploy").description("create or update a Lambda function from a zip"), "issue #7");
}
