import type { Command } from "commander";
import { action } from "../../lib/run.js";
import type { Decision, DecideOptions } from "./decide.js";

const decideWith = (decision: Decision) =>
  action<DecideOptions>(async () => {
    const { decide } = await import("./decide.js");
    return (options, ctx) => decide(decision, options, ctx);
  });

const TOKEN_HELP = "task token, an approve/reject link, or - to read stdin (default: $AWSBLOG_TASK_TOKEN)";

export function register(program: Command): void {
  program
    .command("approve")
    .description("approve a Step Functions task: SendTaskSuccess with a JSON result")
    .option("--token <token>", TOKEN_HELP)
    .option("--result <json>", "task output as JSON, or @file (max 262,144 bytes)", '{"approved":true}')
    .addHelpText("after", `\nExample:\n  $ awsblog approve --token "$TASK_TOKEN" --result '{"approved":true,"by":"ana"}'`)
    .action(decideWith("approve"));

  program
    .command("reject")
    .description("reject a Step Functions task: SendTaskFailure with an error and cause")
    .option("--token <token>", TOKEN_HELP)
    .option("--error <code>", "error code the execution fails with (max 256 chars)", "Rejected")
    .option("--cause <text>", "human-readable cause (max 32,768 chars)", "Rejected via awsblog")
    .addHelpText("after", `\nExample:\n  $ pbpaste | awsblog reject --token - --cause "budget not approved"`)
    .action(decideWith("reject"));

  program
    .command("heartbeat")
    .description("keep a Step Functions task alive: SendTaskHeartbeat")
    .option("--token <token>", TOKEN_HELP)
    .addHelpText("after", `\nExample:\n  $ AWSBLOG_TASK_TOKEN="$T" awsblog heartbeat -o json`)
    .action(decideWith("heartbeat"));
}
