import type { ActionType } from "../aws/codepipeline.js";
import { UsageError } from "../errors.js";
import { sanitizeForTerminal } from "../terminal.js";

/** CodePipeline's own rules for names (pipeline, stage, action): checked before any call. */
const NAME = /^[A-Za-z0-9.@\-_]{1,100}$/;
const EXECUTION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function checkName(value: string | undefined, what: string): string {
  if (value === undefined || value === "") throw new UsageError(`${what} is required`, `pass the name as shown by \`awsblog pipeline status\``);
  if (!NAME.test(value)) {
    throw new UsageError(`${what} "${sanitizeForTerminal(value, { max: 60, oneLine: true })}" is not a CodePipeline name`, "names are 1–100 letters, digits and . @ - _");
  }
  return value;
}

export function checkExecutionId(value: string): string {
  if (!EXECUTION_ID.test(value)) {
    throw new UsageError(`--execution-id "${sanitizeForTerminal(value, { max: 60, oneLine: true })}" is not a pipeline execution id`, "pass an id such as 3137f7cb-7cf7-4b5d-8f2e-1a2b3c4d5e6f (see ListPipelineExecutions)");
  }
  return value;
}

const CATEGORIES = ["Source", "Build", "Deploy", "Test", "Invoke", "Approval", "Compute"];

export const ACTION_TYPE_HINT = "pass Category/Owner/Provider/Version of your custom action, e.g. Test/Custom/IntegrationTests/1";

/** `Test/Custom/IntegrationTests/1` → an action type; only custom actions have jobs to poll. */
export function parseActionType(value: string): ActionType {
  const hint = ACTION_TYPE_HINT;
  const parts = value.split("/");
  const [category = "", owner = "", provider = "", version = ""] = parts;
  if (parts.length !== 4 || !CATEGORIES.includes(category) || !/^[0-9A-Za-z_-]{1,35}$/.test(provider) || !/^[0-9A-Za-z_-]{1,9}$/.test(version)) {
    throw new UsageError(`--action-type "${sanitizeForTerminal(value, { max: 80, oneLine: true })}" is not Category/Owner/Provider/Version`, hint);
  }
  if (owner !== "Custom") throw new UsageError(`--action-type owner is "${sanitizeForTerminal(owner, { max: 20, oneLine: true })}": only custom actions (owner Custom) hand out jobs`, hint);
  return { category, owner, provider, version };
}
