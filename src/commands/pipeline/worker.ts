import { defineCommand, opt, type OptionsOf } from "../../lib/command.js";
import type { CommandResult, Context } from "../../lib/context.js";
import { FailureError, UsageError } from "../../lib/errors.js";
import { parseActionType } from "../../lib/pipeline/names.js";
import { pipelineApi } from "../../lib/pipeline/retrying.js";
import { clean } from "../../lib/pipeline/text.js";
import { runJobWorker, type JobReport } from "../../lib/pipeline/worker.js";

const flags = {
  actionType: opt.string("--action-type <type>", "the custom action to take jobs for: Category/Owner/Provider/Version, e.g. Test/Custom/IntegrationTests/1"),
  once: opt.flag("--once", "poll once, run the job if there is one, then exit (cron)"),
  timeout: opt.int("--timeout <s>", "stop a job's command after this many seconds and report the job failed", { min: 1, max: 86_400, defaultValue: 3600 }),
};

export default defineCommand({
  options: flags,
  args: [{ name: "[command...]", description: "after --: the command to run for each job, without a shell" }],
  help: `
For each job: AcknowledgeJob (nonce), then runs the command with CODEPIPELINE_PIPELINE, _STAGE,
_ACTION, _EXECUTION_ID, _JOB_ID, CONFIG_<Key> per action configuration key and, when the
configuration names a StackName, STACK_<OutputKey> per CloudFormation output of that stack.
Exit 0 → PutJobSuccessResult (summary: last stdout line, ≤ 2,048 chars); otherwise
PutJobFailureResult JobFailed (exit code and stderr tail). The job's artifact credentials are never
passed on or logged. The command's own output goes to stderr.
Output is JSON Lines on stdout, one per job: {"jobId","pipeline","stage","action","result","exitCode"}.
Exit codes: 130 after Ctrl-C (a running job is reported failed first); with --once, 1 when the
job failed, else 0.`,
  examples: [`awsblog pipeline worker --action-type Test/Custom/IntegrationTests/1 -- npm run test:integration`],
  run: worker,
});

async function worker(options: OptionsOf<typeof flags>, ctx: Context, args: string[]): Promise<CommandResult | void> {
  const actionType = parseActionType(options.actionType);
  const [command, ...commandArgs] = args;
  if (!command) throw new UsageError("no command to run for each job", "put it after --, e.g. -- npm run test:integration");
  const api = await pipelineApi(ctx);
  const type = `${actionType.category}/${actionType.owner}/${actionType.provider}/${actionType.version}`;
  // A --once run (cron, CI) ends with its result or one error line; a long-running worker says what it waits for.
  if (!options.once) ctx.out.info(`polling for ${type} jobs; Ctrl-C to stop`);

  const summary = await runJobWorker(
    { actionType, command, args: commandArgs, once: Boolean(options.once), timeoutMs: options.timeout * 1000 },
    {
      api,
      stackOutputs: async (stack) => (await ctx.services.cloudformation()).stackOutputs(stack),
      env: ctx.env,
      signal: ctx.signal,
      sleep: ctx.services.sleep,
      random: ctx.services.random,
      onJob: (report) => ctx.out.line(report, jobText(report)),
      onNotice: (message) => ctx.out.info(message),
      echo: ctx.globals.quiet ? undefined : (chunk) => ctx.stderr.write(chunk),
    },
  );
  ctx.out.info(`worker stopped after ${summary.polls} poll(s): ${summary.jobs} job(s), ${summary.failed} failed`);
  if (options.once && summary.failed > 0 && !ctx.signal.aborted) {
    throw new FailureError("the job failed", "its failure (exit code and stderr tail) was reported to CodePipeline; see the job line");
  }
}

function jobText(r: JobReport): string {
  return `${r.result}  ${clean(r.pipeline)} ${clean(r.stage)}/${clean(r.action)}  job ${r.jobId}  (exit ${r.exitCode ?? "-"})`;
}
