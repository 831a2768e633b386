import { AwsError } from "../errors.js";

/** Hints for the CodePipeline errors every pipeline command can meet. */
export async function withPipelineHints<T>(pipeline: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw explainPipelineError(error, pipeline);
  }
}

export function explainPipelineError(error: unknown, pipeline: string): unknown {
  if (!(error instanceof AwsError) || error.message.includes(" — ")) return error;
  const detail = /\((.*)\)$/.exec(error.message)?.[1] ?? "";
  const hints: Record<string, [string, string]> = {
    PipelineNotFoundException: [`no pipeline named ${pipeline} in this account and region`, "check the name (`awsblog pipeline approvals` lists them), --region and --profile"],
    PipelineExecutionNotFoundException: [`pipeline ${pipeline} has no such execution`, "check --execution-id (ListPipelineExecutions shows the ids)"],
  };
  const known = hints[error.code];
  if (known) return new AwsError(error.service, error.operation, error.code, known[0], known[1], { cause: error });
  return error.hint ? error : new AwsError(error.service, error.operation, error.code, detail, "retry; if it persists, run with --debug", { cause: error });
}
