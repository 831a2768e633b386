import type { JobView } from "../aws/codepipeline.js";

/**
 * The environment a job's command runs with: the worker's own, plus the job context
 * (CODEPIPELINE_*), each action configuration key as CONFIG_<Key> and the named stack's
 * outputs as STACK_<OutputKey>. Keys are reduced to [A-Za-z0-9_] so any shell can read them.
 * The job's artifactCredentials are never passed (they are dropped when the job is read).
 */
export function jobEnvironment(base: NodeJS.ProcessEnv, job: JobView, stackOutputs: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(base)) {
    // A worker started from another job's shell must not pass that job's values on.
    if (!/^(CODEPIPELINE_|CONFIG_|STACK_)/.test(key)) env[key] = value;
  }
  env.CODEPIPELINE_PIPELINE = job.pipeline;
  env.CODEPIPELINE_STAGE = job.stage;
  env.CODEPIPELINE_ACTION = job.action;
  env.CODEPIPELINE_EXECUTION_ID = job.executionId;
  env.CODEPIPELINE_JOB_ID = job.id;
  for (const [key, value] of Object.entries(job.configuration)) env[`CONFIG_${envKey(key)}`] = envValue(value);
  for (const [key, value] of Object.entries(stackOutputs)) env[`STACK_${envKey(key)}`] = envValue(value);
  return env;
}

export function envKey(key: string): string {
  return key.replace(/[^A-Za-z0-9_]/g, "_");
}

/** A NUL byte would make spawn fail outright. */
function envValue(value: string): string {
  return value.replace(/\0/g, "");
}
