import { AwsError, UsageError } from "../errors.js";

/** Step Functions' limits, checked before any call so a bad input sends nothing. */
export const LIMITS = {
  tokenChars: 2048,
  resultBytes: 262_144,
  errorChars: 256,
  causeChars: 32_768,
} as const;

/**
 * The token as the user gave it: a bare token, or an approve/reject link copied from a mail
 * or chat (`…/succeed?taskToken=…`), from which the decoded token is taken.
 */
export function normalizeToken(raw: string): string {
  const text = raw.trim();
  if (/^https?:\/\//i.test(text)) {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      throw new UsageError("the task token looks like a link but is not a valid URL", "pass the token itself or the whole link");
    }
    const token = url.searchParams.get("taskToken");
    if (!token) throw new UsageError("the link has no taskToken parameter", "pass the token itself or an approve/reject link");
    return token;
  }
  return text;
}

export function validateToken(token: string): string {
  if (token.length === 0) {
    throw new UsageError("the task token is empty", "pass --token <t>, --token - (stdin) or set AWSBLOG_TASK_TOKEN");
  }
  if (token.length > LIMITS.tokenChars) {
    throw new UsageError(
      `the task token is ${token.length} characters; Step Functions tokens are at most ${LIMITS.tokenChars}`,
      "check that you copied only the token",
    );
  }
  return token;
}

export function validateResult(json: string): string {
  const bytes = Buffer.byteLength(json, "utf8");
  if (bytes > LIMITS.resultBytes) {
    throw new UsageError(`--result is ${bytes} bytes; Step Functions accepts at most ${LIMITS.resultBytes}`, "send a smaller result");
  }
  try {
    JSON.parse(json);
  } catch (error) {
    throw new UsageError(`--result is not valid JSON: ${(error as Error).message}`, `e.g. --result '{"approved":true}'`);
  }
  return json;
}

export function validateLength(value: string, flag: string, max: number): string {
  if (value.length > max) {
    throw new UsageError(`${flag} is ${value.length} characters; Step Functions accepts at most ${max}`, `shorten ${flag}`);
  }
  return value;
}

const TOKEN_ERRORS = new Set(["TaskDoesNotExist", "InvalidToken", "TaskTimedOut"]);

/** The three errors a stale or foreign token gets, explained in plain words. */
export function explainTokenError(error: unknown): unknown {
  if (!(error instanceof AwsError) || !TOKEN_ERRORS.has(error.code)) return error;
  const why =
    error.code === "TaskTimedOut"
      ? "the task timed out before this decision arrived"
      : "the task was already decided, expired, or the token is not of this account/region";
  return new AwsError(
    error.service,
    error.operation,
    error.code,
    why,
    "nothing more to do for a decided task; otherwise check --region/--profile and the token",
    { cause: error },
  );
}
