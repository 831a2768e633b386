import { DEFAULT_RESULT, decideTask, TOKEN_HELP } from "../../lib/approvals/decide.js";
import { defineCommand, opt } from "../../lib/command.js";

export default defineCommand({
  options: {
    token: opt.string("--token <token>", TOKEN_HELP),
    result: opt.stringWithDefault("--result <json>", "task output as JSON, or @file (max 262,144 bytes)", DEFAULT_RESULT),
  },
  examples: [`awsblog approve --token "$TASK_TOKEN" --result '{"approved":true,"by":"ana"}'`],
  run: (options, ctx) => decideTask("approve", options, ctx),
});
