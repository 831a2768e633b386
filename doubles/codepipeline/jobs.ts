import { AwsJsonFault } from "../aws-json.js";
import type { PipelineState } from "./state.js";
import { ACCOUNT, ARTIFACT_SECRET, ARTIFACT_SESSION, type Handler, type JobRecord } from "./types.js";

/**
 * Custom-action jobs: PollForJobs hands a job out with a nonce (again, with a new nonce, until
 * it is acknowledged), AcknowledgeJob checks the nonce, PutJobSuccessResult /
 * PutJobFailureResult finish the action.
 */
export function jobHandlers(state: PipelineState): Record<string, Handler> {
  const matches = (job: JobRecord, type: Record<string, string>) => (Object.keys(job.actionTypeId) as (keyof JobRecord["actionTypeId"])[]).every((k) => job.actionTypeId[k] === type[k]);
  const inProgress = (id: unknown) => {
    const job = state.jobById(id);
    if (job.status !== "InProgress") throw new AwsJsonFault("InvalidJobStateException", `Job is ${job.status}, not InProgress`);
    return job;
  };
  const executionOf = (job: JobRecord) => state.executions.find((e) => e.id === job.run.pipelineExecutionId)!;
  return {
    PollForJobs(body) {
      const type = (body.actionTypeId ?? {}) as Record<string, string>;
      const max = Number(body.maxBatchSize ?? 1);
      // Not yet acknowledged jobs go out again (with a new nonce): two workers can get one job,
      // and only the nonce of the latest hand-out acknowledges it.
      const ready = state.jobs.filter((j) => (j.status === "Queued" || j.status === "Dispatched") && matches(j, type)).slice(0, max);
      return {
        jobs: ready.map((job) => {
          job.status = "Dispatched";
          job.nonce = String(Math.floor(Math.random() * 1e9));
          return {
            id: job.id,
            nonce: job.nonce,
            accountId: ACCOUNT,
            data: {
              actionTypeId: job.actionTypeId,
              actionConfiguration: { configuration: job.configuration },
              pipelineContext: {
                pipelineName: job.pipeline,
                stage: { name: job.run.stage },
                action: { name: job.run.action, actionExecutionId: job.run.actionExecutionId },
                pipelineArn: `arn:aws:codepipeline:us-east-1:${ACCOUNT}:${job.pipeline}`,
                pipelineExecutionId: job.run.pipelineExecutionId,
              },
              inputArtifacts: [],
              outputArtifacts: [],
              artifactCredentials: { accessKeyId: "ASIAARTIFACT", secretAccessKey: ARTIFACT_SECRET, sessionToken: ARTIFACT_SESSION },
            },
          };
        }),
      };
    },
    AcknowledgeJob(body) {
      const job = state.jobById(body.jobId);
      if (body.nonce !== job.nonce) throw new AwsJsonFault("InvalidNonceException", "The nonce was specified in an invalid format");
      if (job.status !== "Dispatched" && job.status !== "InProgress") throw new AwsJsonFault("InvalidJobStateException", `Job is ${job.status}`);
      job.status = "InProgress";
      return { status: "InProgress" };
    },
    PutJobSuccessResult(body) {
      const job = inProgress(body.jobId);
      const details = (body.executionDetails ?? {}) as { summary?: string };
      if ((details.summary ?? "").length > 2048) throw new AwsJsonFault("ValidationException", "executionDetails.summary: length must be <= 2048");
      job.status = "Succeeded";
      job.result = { kind: "success", summary: details.summary };
      state.finish(executionOf(job), job.run, true, details.summary);
      return {};
    },
    PutJobFailureResult(body) {
      const job = inProgress(body.jobId);
      const details = (body.failureDetails ?? {}) as { type?: string; message?: string };
      if ((details.message ?? "").length > 5000) throw new AwsJsonFault("ValidationException", "failureDetails.message: length must be <= 5000");
      job.status = "Failed";
      job.result = { kind: "failure", type: String(details.type), message: String(details.message) };
      state.finish(executionOf(job), job.run, false, details.message);
      return {};
    },
  };
}
