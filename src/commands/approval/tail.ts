import { checkExecutionArn, checkStatesArn } from "../../lib/approval/arns.js";
import { StateNames, eventLine, eventText } from "../../lib/approval/history.js";
import { INTERVAL_HELP } from "../../lib/approval/pacing.js";
import { tailExecution } from "../../lib/approval/tail.js";
import type { ExecutionsApi } from "../../lib/aws/sfn.js";
import { arg, defineCommand, opt, type ArgsOf, type OptionsOf } from "../../lib/command.js";
import type { Context } from "../../lib/context.js";
import { AwsError, FailureError, UsageError, formatError } from "../../lib/errors.js";
import { ONE_LINE, sanitizeForTerminal } from "../../lib/terminal.js";

const flags = {
  latest: opt.flag("--latest", "the state machine's newest execution (needs --state-machine-arn)"),
  stateMachineArn: opt.string("--state-machine-arn <arn>", "with --latest: the state machine whose newest execution to show"),
  follow: opt.flag("--follow", "keep printing new events until the execution ends (Ctrl-C stops, exit 130)"),
  interval: opt.int("--interval <s>", `with --follow: ${INTERVAL_HELP} (default 5)`, { min: 1, max: 300 }),
};
const args = { executionArn: arg("[execution-arn]", "the execution, as `awsblog approval start` prints it") };

export default defineCommand({
  options: flags,
  args,
  help: `
Prints the execution's events (GetExecutionHistory), oldest first, one line each:
  time (UTC), event type, state, detail (error and cause, resource, output…)
With -o json: JSON Lines {"id","previousEventId","timestamp","type","state","detail","details"}
("details" is the event's <kind>EventDetails as AWS returns it, inputs and outputs included).
--follow polls for new events (newest first, only what is new) until the execution ends.
Exit 0 whatever the execution's status (\`approval start --wait\` exits by it); 130 on Ctrl-C.`,
  examples: [
    `awsblog approval tail "$EXECUTION_ARN" --follow`,
    `awsblog approval tail --latest --state-machine-arn "$SM_ARN" -o json | jq -c 'select(.detail != null)'`,
  ],
  run: tail,
});

async function tail(options: OptionsOf<typeof flags>, ctx: Context, { executionArn }: ArgsOf<typeof args>): Promise<void> {
  if (options.interval !== undefined && !options.follow) throw new UsageError("--interval needs --follow", "add --follow to keep polling, or drop --interval");
  const target = checkTarget(options, executionArn);
  const executions = await ctx.services.executions();
  const arn = "executionArn" in target ? target.executionArn : await withHints(() => newestExecution(executions, target.stateMachineArn));
  if (options.latest) ctx.out.info(`newest execution: ${arn}`);

  const states = new StateNames();
  const outcome = await withHints(() =>
    tailExecution(
      arn,
      { follow: Boolean(options.follow), intervalMs: (options.interval ?? 5) * 1000 },
      {
        api: executions,
        sleep: ctx.services.sleep,
        random: ctx.services.random,
        signal: ctx.signal,
        emit(event) {
          const line = eventLine(event, states);
          ctx.out.line(line, eventText(line));
        },
        onRetry: (error) => ctx.out.warn(`${formatError(error).replace(/^awsblog: /, "")}; polling less often`),
      },
    ),
  );
  if (options.follow && outcome.ended) ctx.out.info(`execution ended: ${sanitizeForTerminal(outcome.ended, ONE_LINE)}`);
}

/** The execution ARN given, or the state machine whose newest execution --latest shows. */
function checkTarget(options: OptionsOf<typeof flags>, executionArn: string | undefined): { executionArn: string } | { stateMachineArn: string } {
  if (options.latest && executionArn !== undefined) throw new UsageError("give an execution ARN or --latest, not both", "drop one of them");
  if (options.stateMachineArn !== undefined && !options.latest) throw new UsageError("--state-machine-arn needs --latest", "add --latest to show its newest execution");
  if (options.latest) {
    if (options.stateMachineArn === undefined) throw new UsageError("--latest needs --state-machine-arn", "pass the state machine whose newest execution to show");
    return { stateMachineArn: checkStatesArn(options.stateMachineArn, "--state-machine-arn", "stateMachine") };
  }
  if (executionArn === undefined) throw new UsageError("no execution given", "pass the execution ARN `awsblog approval start` printed, or --latest --state-machine-arn <arn>");
  return { executionArn: checkExecutionArn(executionArn, "<execution-arn>") };
}

async function newestExecution(api: ExecutionsApi, stateMachineArn: string): Promise<string> {
  const [newest] = await api.listExecutions(stateMachineArn, 1);
  if (!newest) throw new FailureError(`${stateMachineArn} has no executions`, "start one with `awsblog approval start --state-machine-arn …`");
  return newest.executionArn;
}

async function withHints<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (!(error instanceof AwsError)) throw error;
    const hints: Record<string, string> = {
      ExecutionDoesNotExist: "check the ARN, and that --region/--profile point at its account and region (history is kept 90 days after the execution ends)",
      StateMachineDoesNotExist: "check the ARN, and that --region/--profile point at its account and region",
      InvalidArn: "check the ARN, and that --region matches the region inside it",
    };
    const hint = hints[error.code];
    const detail = /\((.*)\)$/.exec(error.message)?.[1] ?? "";
    if (hint) throw new AwsError(error.service, error.operation, error.code, detail, hint, { cause: error });
    throw error;
  }
}
