import { arg, opt, required } from "../../lib/command.js";
import { checkName } from "../../lib/pipeline/names.js";

/** Not a verb: the pipeline argument and --stage flag the verbs acting on runs share. */
export const pipelineArg = { pipeline: arg("<pipeline>", "pipeline name", (value) => checkName(value, "<pipeline>")) };

export const stageFlag = (what: string) =>
  required(
    opt.custom("--stage <stage>", what, (value: string) => checkName(value, "--stage")),
    "pass a stage name as `awsblog pipeline status <pipeline>` shows it",
  );
