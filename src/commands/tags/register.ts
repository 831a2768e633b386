import type { Command } from "commander";
import { notBuilt } from "../not-built.js";

export function register(program: Command): void {
  notBuilt(program.command("tags").description("scan and enforce EC2 tag rules from a file or the post's DynamoDB table"), "issue #4");
  notBuilt(program.command("tag-audit").description("alias of `tags scan`"), "issue #4");
}
