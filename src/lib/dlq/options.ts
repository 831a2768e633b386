import { AwsError, UsageError } from "../errors.js";
import { sanitizeForTerminal } from "../terminal.js";
import { FAILURE_CLASSES, isFailureClass, type FailureClass } from "./classify.js";

export const QUEUE_URL_HINT = "pass the queue URL, e.g. https://sqs.us-east-1.amazonaws.com/123456789012/my-dlq";
export const FUNCTION_HINT = "pass the function's name or ARN";

/** Flag checks and messages shared by the dlq commands; the checks run before any AWS call. */
export function checkQueueUrl(value: string, flag: string): string {
  if (value === "") throw new UsageError(`${flag} is empty`, QUEUE_URL_HINT);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`${flag} is not a URL: "${value}"`, "pass the queue URL (aws sqs get-queue-url --queue-name <name>), not its name or ARN");
  }
  if (!/^https?:$/.test(url.protocol) || url.pathname.split("/").filter(Boolean).length < 2) {
    throw new UsageError(`${flag} is not an SQS queue URL: "${value}"`, "expected https://sqs.<region>.amazonaws.com/<account>/<queue>");
  }
  return value;
}

const FUNCTION_NAME = /^(arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:)?[A-Za-z0-9_-]{1,64}(:[A-Za-z0-9$_-]+)?$/;

export function checkFunctionName(value: string, flag = "--function"): string {
  if (value === "") throw new UsageError(`${flag} is empty`, FUNCTION_HINT);
  if (!FUNCTION_NAME.test(value)) {
    throw new UsageError(
      `${flag} is not a Lambda function name or ARN: "${value}"`,
      "pass the name (letters, digits, - and _; up to 64), name:alias, or arn:aws:lambda:<region>:<account>:function:<name>",
    );
  }
  return value;
}

/** The log group is named after the bare function name, even when an ARN or alias is given. */
export function logGroupOf(functionNameOrArn: string): string {
  const match = /function:([A-Za-z0-9_-]+)/.exec(functionNameOrArn);
  const name = match ? match[1] : functionNameOrArn.split(":")[0];
  return `/aws/lambda/${name}`;
}

/** Points at the likely mistake when SQS says the queue is not there. */
export function explainQueueError(error: unknown, url: string): unknown {
  if (error instanceof AwsError && /NonExistentQueue|QueueDoesNotExist/.test(error.code)) {
    return new AwsError(error.service, error.operation, error.code, `no queue at ${url}`, "check the URL and --region", { cause: error });
  }
  return error;
}

/**
 * A DLQ with its own redrive policy moves messages on after maxReceiveCount reads — ours
 * count. The warning to show, or undefined when the queue has no policy.
 */
export function redrivePolicyWarning(policy: string | undefined): string | undefined {
  if (!policy) return undefined;
  let maxReceiveCount = "?";
  try {
    maxReceiveCount = String((JSON.parse(policy) as { maxReceiveCount?: unknown }).maxReceiveCount ?? "?");
  } catch {
    // keep "?"
  }
  return `this queue has its own RedrivePolicy (maxReceiveCount ${maxReceiveCount}): every read raises a message's receive count, and SQS moves it on after ${maxReceiveCount} reads`;
}

/** `--rate`: messages per second, a positive number (0.5 = one every 2 s), at most 3,000. */
export function parseRate(value: string): number {
  const n = Number(value);
  if (!/^\d{1,4}(\.\d{1,3})?$/.test(value.trim()) || !(n > 0) || n > 3000) {
    throw new UsageError(`--rate must be a number of messages per second from 0.001 to 3000, got "${clip(value)}"`, "e.g. --rate 5 (start slow, then raise it)");
  }
  return n;
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** A duration flag: `90s`, `15m`, `2h`, `1d`, `1h30m` (a bare number is seconds) → milliseconds. */
export function parseDuration(flag: string, max = 14 * UNITS.d!) {
  return (value: string): number => {
    const text = value.trim();
    const parts = [...text.matchAll(/(\d{1,9})(ms|s|m|h|d)?/gy)];
    const total = parts.reduce((ms, [, n, unit]) => ms + Number(n) * UNITS[unit ?? "s"]!, 0);
    const whole = parts.map((p) => p[0]).join("") === text && text !== "";
    if (!whole || (parts.length > 1 && parts.some((p) => p[2] === undefined)) || total <= 0 || total > max) {
      throw new UsageError(`${flag} must be a duration such as 90s, 15m, 2h or 1d (up to ${max / UNITS.d!} days), got "${clip(value)}"`, `e.g. ${flag} 10m`);
    }
    return total;
  };
}

function clip(value: string): string {
  return sanitizeForTerminal(value, { max: 40, oneLine: true });
}

/** `--class a --class b,c` → the set of classes; an unknown name is a usage error. */
export function parseClasses(values: string[] | undefined): ReadonlySet<FailureClass> | undefined {
  if (!values || values.length === 0) return undefined;
  const classes = values.flatMap((v) => v.split(",")).map((v) => v.trim());
  for (const c of classes) {
    if (!isFailureClass(c)) throw new UsageError(`--class "${c}" is not a failure class`, `use one of: ${FAILURE_CLASSES.join(", ")}`);
  }
  return new Set(classes as FailureClass[]);
}
