import { decideTask, TOKEN_HELP } from "../../lib/approval/decide.js";
import { defineCommand, opt } from "../../lib/command.js";

export default defineCommand({
  options: {
    token: opt.string("--token <token>", TOKEN_HELP),
  },
  examples: [`AWSBLOG_TASK_TOKEN="$T" awsblog heartbeat -o json`],
  run: (options, ctx) => decideTask("heartbeat", options, ctx),
});
