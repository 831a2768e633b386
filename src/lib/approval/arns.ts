import { UsageError } from "../errors.js";

const ARN = /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:(activity|stateMachine):[^\s:]{1,80}$/;

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
