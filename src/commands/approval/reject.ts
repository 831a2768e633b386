import { DEFAULT_CAUSE, DEFAULT_ERROR, decideTask, TOKEN_HELP } from "../../lib/approvals/decide.js";
import { defineCommand, opt } from "../../lib/command.js";

export default defineCommand({
  options: {
    token: opt.string("--token <token>", TOKEN_HELP),
    error: opt.stringWithDefault("--error <code>", "error code the execution fails with (max 256 chars)", DEFAULT_ERROR),
    cause: opt.stringWithDefault("--cause <text>", "human-readable cause (max 32,768 chars)", DEFAULT_CAUSE),
  },
  examples: [`pbpaste | awsblog reject --token - --cause "budget not approved"`],
  run: (options, ctx) => decideTask("reject", options, ctx),
});
