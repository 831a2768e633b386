import type { CodePipelineApi } from "../aws/codepipeline.js";
import { attemptsFromEnv } from "../aws/factory.js";
import type { Context } from "../context.js";
import { backoffMs, isThrottling, isTransient } from "../retry.js";

/**
 * Retries on top of CodePipeline's one-attempt client, with the context's sleep and jitter.
 * Reads (and StartPipelineExecution, made idempotent by its client request token) retry any
 * transient error; calls that change something retry only throttling, which AWS answers
 * before acting — after a timeout we cannot know whether an approval, a job result, a stop,
 * a retry, a rollback or a transition change landed.
 */
export interface Pacing {
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  random(): number;
  signal?: AbortSignal;
  /** Told on every throttled attempt (pollers slow down). */
  onThrottle?(operation: string): void;
  /** Attempts per call, including the first (default 5). */
  attempts?: number;
}

const WRITES = new Set<keyof CodePipelineApi>([
  "putApprovalResult",
  "acknowledgeJob",
  "putJobSuccessResult",
  "putJobFailureResult",
  "stopPipelineExecution",
  "retryStageExecution",
  "rollbackStage",
  "setStageTransition",
]);

export function retrying(api: CodePipelineApi, pacing: Pacing): CodePipelineApi {
  const wrapped = {} as Record<string, unknown>;
  for (const [name, fn] of Object.entries(api) as [keyof CodePipelineApi, (...args: unknown[]) => Promise<unknown>][]) {
    const write = WRITES.has(name);
    wrapped[name] = async (...args: unknown[]) => {
      const attempts = pacing.attempts ?? 5;
      for (let attempt = 0; ; attempt++) {
        try {
          return await fn(...args);
        } catch (error) {
          const throttled = isThrottling(error);
          if (throttled) pacing.onThrottle?.(name);
          const retryable = write ? throttled : isTransient(error);
          // A write must still land after Ctrl-C (a job reported failed); reads stop.
          if (!retryable || attempt + 1 >= attempts || (!write && pacing.signal?.aborted)) throw error;
          await pacing.sleep(backoffMs(attempt, { baseMs: 1000, capMs: 20_000, minMs: 200, random: pacing.random }), write ? undefined : pacing.signal);
        }
      }
    };
  }
  return wrapped as unknown as CodePipelineApi;
}

/** The context's CodePipeline API with these retries; AWS_MAX_ATTEMPTS sets the attempts as for every other client. */
export async function pipelineApi(ctx: Context): Promise<CodePipelineApi> {
  return retrying(await ctx.services.codepipeline(), { sleep: ctx.services.sleep, random: ctx.services.random, signal: ctx.signal, attempts: attemptsFromEnv(ctx.env) });
}
