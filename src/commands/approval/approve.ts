import { DEFAULT_RESULT, decideTask, TOKEN_HELP } from "../../lib/approval/decide.js";
import { defineCommand, opt } from "../../lib/command.js";
import { PIPELINE_DECISION_FLAGS, decideByForm } from "../../lib/pipeline/decision-form.js";

export default defineCommand({
  options: {
    token: opt.string("--token <token>", TOKEN_HELP),
    result: opt.string("--result <json>", `task output as JSON, or @file (max 262,144 bytes; default ${DEFAULT_RESULT})`),
    ...PIPELINE_DECISION_FLAGS,
  },
  help: `
Two forms: --token decides a Step Functions task (SendTaskSuccess); --pipeline approves the
CodePipeline manual approval waiting now (token looked up at call time, PutApprovalResult).
JSON: {"action":"approve","ok":true} or {"action":"approve","ok":true,"pipeline","stage","actionName"}.
Exit 1 when no approval waits or it was already decided; 2 when several wait and none is chosen.
CodePipeline form:
  $ awsblog approve --pipeline my-pipe --summary "QA signed off"`,
  examples: [`awsblog approve --token "$TASK_TOKEN" --result '{"approved":true,"by":"ana"}'`],
  run: (options, ctx) => decideByForm("approve", options, ctx, () => decideTask("approve", options, ctx)),
});
