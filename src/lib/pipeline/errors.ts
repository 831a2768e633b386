import { AwsError } from "../errors.js";
import { sanitizeForTerminal } from "../terminal.js";

/** What the failing call was about, for the hints below. */
export interface PipelineErrorContext {
  stage?: string;
  executionId?: string;
}

/** Hints for the CodePipeline errors every pipeline command can meet. */
export async function withPipelineHints<T>(pipeline: string, work: () => Promise<T>, context: PipelineErrorContext = {}): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw explainPipelineError(error, pipeline, context);
  }
}

export function explainPipelineError(error: unknown, pipeline: string, context: PipelineErrorContext = {}): unknown {
  if (!(error instanceof AwsError) || error.message.includes(" — ")) return error;
  const detail = /\((.*)\)$/.exec(error.message)?.[1] ?? "";
  const stage = context.stage ? sanitizeForTerminal(context.stage, { max: 100, oneLine: true }) : "the stage";
  const run = context.executionId ?? "the execution";
  const status = `see \`awsblog pipeline status ${pipeline}\``;
  const hints: Record<string, [string, string]> = {
    PipelineNotFoundException: [`no pipeline named ${pipeline} in this account and region`, "check the name (`awsblog pipeline approvals` lists them), --region and --profile"],
    PipelineExecutionNotFoundException: [`pipeline ${pipeline} has no such execution`, `check the id (\`awsblog pipeline history ${pipeline}\` lists them)`],
    StageNotFoundException: [`pipeline ${pipeline} has no stage ${stage}`, `check --stage (${status} lists the stages)`],
    StageNotRetryableException: [`${stage} of ${pipeline} cannot be retried: it has no failed actions, or the pipeline changed since it failed`, `${status}; start a new run with \`awsblog pipeline start ${pipeline}\``],
    NotLatestPipelineExecutionException: [`${stage} failed again in a later run of ${pipeline}; ${run} is out of date`, `rerun \`awsblog pipeline retry ${pipeline} --stage ${stage}\` (it takes the stage's latest run)`],
    ConflictException: [`pipeline ${pipeline} is busy with another change`, "try again in a minute"],
    PipelineExecutionNotStoppableException: [`${run} of ${pipeline} cannot be stopped: it is no longer in progress`, `\`awsblog pipeline history ${pipeline}\` shows how it ended`],
    DuplicatedStopRequestException: [`${run} of ${pipeline} is already stopping`, "wait for its running actions, or pass --abandon to abandon them (a run already abandoned cannot be stopped again)"],
    UnableToRollbackStageException: [`${stage} of ${pipeline} cannot be rolled back${detail ? `: ${detail}` : ""}`, `pick a run in which ${stage} succeeded (\`awsblog pipeline history ${pipeline}\`), and wait until the stage is not running`],
    PipelineExecutionOutdatedException: [`${run} ran an older version of ${pipeline}`, `pick a run of the current pipeline version (\`awsblog pipeline history ${pipeline}\`)`],
    InvalidStageDeclarationException: [`${stage} of ${pipeline} does not allow this${detail ? `: ${detail}` : ""}`, status],
  };
  const known = hints[error.code];
  if (known) return new AwsError(error.service, error.operation, error.code, known[0], known[1], { cause: error });
  if (error.code === "ValidationException") return new AwsError(error.service, error.operation, error.code, detail, "check the values passed (see --help)", { cause: error });
  return error.hint ? error : new AwsError(error.service, error.operation, error.code, detail, "retry; if it persists, run with --debug", { cause: error });
}
