import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import { AwsJsonFault, awsJsonError, listenLoopback, readBody, slidingWindow } from "../aws-json.js";
import { approvalHandlers } from "./approvals.js";
import { controlHandlers } from "./control.js";
import { executionHandlers } from "./executions.js";
import { jobHandlers } from "./jobs.js";
import { pipelineHandlers } from "./pipelines.js";
import { PipelineState } from "./state.js";
import type { CodePipelineDouble, DoubleOptions, Handler, Received } from "./types.js";

export * from "./types.js";

/**
 * A stand-in for CodePipeline (moto 5.2.1 has no state, executions, approvals or jobs). It
 * speaks the awsJson1_1 protocol the SDK uses (X-Amz-Target CodePipeline_20150709.<Op>,
 * errors as {"__type","message"} with HTTP 400) and models pipelines whose executions walk
 * their actions one at a time (state.ts):
 *
 * - ordinary actions finish when the test calls `step()`, or with `advanceOnPoll` on each
 *   GetPipelineExecution of that execution, or with `actionMs` when the double's clock (which
 *   the CLI's injected sleep moves) passes their end — no timers, so tests never sleep;
 * - Approval/Manual actions wait for PutApprovalResult with their token (approvals.ts; in
 *   PARALLEL mode the token is not in GetPipelineState, only as ListActionExecutions'
 *   externalExecutionId);
 * - Custom actions wait for a job (jobs.ts);
 * - stop (and wait, or abandon), retry a failed stage, roll a stage back (a ROLLBACK execution
 *   running that one stage), disable/enable transitions (a run waits at a disabled one), V1/V2
 *   pipelines and variables, with CodePipeline's own refusals (control.ts, executions.ts);
 * - `supersede()` replaces a waiting execution by a newer one, optionally leaving the stale
 *   approval visible in GetPipelineState (the race `approve --pipeline` must guard against);
 * - more than `ratePerSecond` requests within one second of the double's clock are answered
 *   ThrottlingException; `throttleNext(n)` throttles the next n requests outright.
 *
 * Everything received is recorded so tests assert tokens, summaries and job results.
 */
const PREFIX = "CodePipeline_20150709.";

export async function startCodePipelineDouble(options: DoubleOptions = {}): Promise<CodePipelineDouble> {
  const state = new PipelineState(options.startAt ?? Date.parse("2026-12-01T12:00:00Z"));
  const handlers: Record<string, Handler> = {
    ...pipelineHandlers(state, options),
    ...executionHandlers(state, options),
    ...approvalHandlers(state),
    ...jobHandlers(state),
    ...controlHandlers(state),
  };
  const received: Received[] = [];
  const limit = options.ratePerSecond ? slidingWindow(options.ratePerSecond) : undefined;
  let throttleCount = 0;

  const byId = (id: string) => state.executions.find((x) => x.id === id)!;
  const double: CodePipelineDouble = {
    url: "",
    received,
    throttled: 0,
    jobs: state.jobs,
    clock: {
      now: () => state.now,
      advance(ms) {
        state.now += ms;
        if (options.actionMs) state.tick(options.actionMs);
      },
    },
    addPipeline: (spec) => void state.pipelines.set(spec.name, spec),
    start: (pipeline) => state.startExecution(pipeline).id,
    step(executionId) {
      for (const e of state.executions.filter((x) => !executionId || x.id === executionId)) {
        state.stepOne(e);
        state.enterStage(e);
      }
    },
    runUntilBlocked(executionId) {
      const e = byId(executionId);
      while (state.stepOne(e)) state.enterStage(e);
    },
    supersede: (executionId, opts = {}) => state.supersede(byId(executionId), opts.leaveStaleApproval ?? false).id,
    execution(id) {
      const e = byId(id);
      const run = state.current(e);
      return { status: e.status, stage: run?.stage, action: run?.action };
    },
    throttleNext: (count) => void (throttleCount += count),
    setBusy: (pipeline, busy) => void (busy ? state.busy.add(pipeline) : state.busy.delete(pipeline)),
    calls: (op) => received.filter((r) => r.op === op).map((r) => r.body),
    stop: async () => {},
  };
  for (const spec of options.pipelines ?? []) double.addPipeline(spec);

  const server = createServer((req, res) => {
    void readBody(req).then((text) => {
      const target = String(req.headers["x-amz-target"] ?? "");
      const op = target.startsWith(PREFIX) ? target.slice(PREFIX.length) : "";
      const handler = handlers[op];
      if (!handler) return awsJsonError(res, "UnknownOperationException", `unsupported target ${target}`);
      if (throttleCount > 0 || (limit && !limit.admit(state.now))) {
        if (throttleCount > 0) throttleCount--;
        double.throttled++;
        return awsJsonError(res, "ThrottlingException", "Rate exceeded");
      }
      let body: Record<string, unknown>;
      try {
        body = (text ? JSON.parse(text) : {}) as Record<string, unknown>;
      } catch {
        return awsJsonError(res, "SerializationException", "body is not JSON");
      }
      received.push({ op, at: state.now, body });
      try {
        const out = handler(body);
        res.writeHead(200, { "content-type": "application/x-amz-json-1.1", "x-amzn-requestid": randomUUID() });
        res.end(JSON.stringify(out));
      } catch (error) {
        if (error instanceof AwsJsonFault) return awsJsonError(res, error.code, error.message);
        return awsJsonError(res, "InternalFailure", String(error), 500);
      }
    });
  });
  const listening = await listenLoopback(server);
  double.url = listening.url;
  double.stop = listening.stop;
  return double;
}
