import type { Command } from "commander";
import { notBuilt } from "../not-built.js";

export function register(program: Command): void {
  notBuilt(
    program.command("cognito").description("Cognito user pools: sign up, confirm, log in (SRP, MFA), cached tokens, authorized API calls"),
    "issue #5",
  );
}
