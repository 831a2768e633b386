import { DEFAULT_CAUSE, DEFAULT_ERROR, decideTask, TOKEN_HELP } from "../../lib/approval/decide.js";
import { defineCommand, opt } from "../../lib/command.js";
import { PIPELINE_DECISION_FLAGS, decideByForm } from "../../lib/pipeline/decision-form.js";

export default defineCommand({
  options: {
    token: opt.string("--token <token>", TOKEN_HELP),
    error: opt.string("--error <code>", `error code the execution fails with (max 256 chars; default ${DEFAULT_ERROR})`),
    cause: opt.string("--cause <text>", `human-readable cause (max 32,768 chars; default "${DEFAULT_CAUSE}")`),
    ...PIPELINE_DECISION_FLAGS,
  },
  help: `
Two forms: --token fails a Step Functions task (SendTaskFailure); --pipeline rejects the
CodePipeline manual approval waiting now (PutApprovalResult Rejected; the execution fails).
JSON: {"action":"reject","ok":true} or {"action":"reject","ok":true,"pipeline","stage","actionName"}.
CodePipeline form:
  $ awsblog reject --pipeline my-pipe --stage Prod --summary "error rate too high in Gamma"`,
  examples: [`pbpaste | awsblog reject --token - --cause "budget not approved"`],
  run: (options, ctx) => decideByForm("reject", options, ctx, () => decideTask("reject", options, ctx)),
});
