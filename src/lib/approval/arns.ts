import { UsageError } from "../errors.js";

const ARN = /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:(activity|stateMachine):[^\s:]{1,80}$/;
/** A standard execution: `…:execution:<state machine>:<execution name>`. */
const EXECUTION_ARN = /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:execution:[^\s:]{1,80}:[^\s:]{1,80}$/;

/** Catches a pasted name, a wrong resource type or stray whitespace before any call. */
export function checkStatesArn(value: string, flag: string, kind: "activity" | "stateMachine"): string {
  const arn = value.trim();
  const match = ARN.exec(arn);
  if (!match || match[1] !== kind) {
    throw new UsageError(
      `${flag} "${value}" is not a Step Functions ${kind === "activity" ? "activity" : "state machine"} ARN`,
      `expected arn:aws:states:<region>:<account>:${kind}:<name>`,
    );
  }
  return arn;
}

/** An execution ARN as `approval start` prints it; express executions have no history to read. */
export function checkExecutionArn(value: string, name: string): string {
  const arn = value.trim();
  if (/^arn:aws[a-z-]*:states:[^:]*:\d{12}:express:/.test(arn)) {
    throw new UsageError(`${name} is an express execution: Step Functions keeps no history of those`, "see the state machine's CloudWatch Logs instead");
  }
  if (!EXECUTION_ARN.test(arn)) {
    throw new UsageError(`${name} "${value}" is not a Step Functions execution ARN`, "expected arn:aws:states:<region>:<account>:execution:<state machine>:<name>, as `awsblog approval start` prints");
  }
  return arn;
}

/** The execution's name, the last part of its ARN (for messages). */
export function executionName(arn: string): string {
  return arn.slice(arn.lastIndexOf(":") + 1);
}
