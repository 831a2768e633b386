import { seconds } from "../deadline.js";
import { AwsblogError, AwsError, FailureError, InterruptedError, NoAnswerError, UsageError } from "../errors.js";
import { isThrottlingCode, isTimeout } from "../retry.js";

/**
 * Turns whatever the SDK threw into an error with the contract's shape and exit code:
 * region and credential problems are usage errors (2); service errors name the service,
 * operation and AWS error code (1); network failures say what could not be reached (1).
 * `env` is the run's environment map (the factory's), where credentials from AWS_* came from.
 */
export function toAwsblogError(error: unknown, service: string, operation: string, env: NodeJS.ProcessEnv = {}): AwsblogError {
  if (error instanceof AwsblogError) return error;
  const err = error as { name?: string; code?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const name = err?.name ?? "Error";
  const message = err?.message ?? String(error);
  const target = [service, operation].filter(Boolean).join(" ") || "AWS call";

  if (/region is missing/i.test(message)) {
    return new UsageError(
      "no AWS region is configured",
      "pass --region <r>, set AWS_REGION, or set `region` in your AWS profile",
      { cause: error },
    );
  }
  if (name === "CredentialsProviderError" || /could not load credentials/i.test(message)) {
    return new UsageError(
      `${target}: no AWS credentials found`,
      "set AWS_PROFILE or --profile, run `aws sso login`, or export AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY",
      { cause: error },
    );
  }
  if (err?.code === "ERR_INVALID_CHAR") return badCredentialCharacters(env, error);
  if (typeof err?.code === "string" && err.code.startsWith("HPE_")) {
    // Node's HTTP parser: the endpoint answered, but not in HTTP (another protocol on that port, TLS on http:).
    return new FailureError(`${target}: the endpoint did not answer in HTTP (${firstSentence(message)})`, "check --endpoint-url: the scheme (http/https), host and port of an AWS endpoint", { cause: error });
  }
  if (isTimeout(error)) return noAnswer(service, operation, { attempts: err?.$metadata && "attempts" in err.$metadata ? Number(err.$metadata.attempts) : 1, raw: error, cause: error });
  const network = err?.code ?? (error as { cause?: { code?: string } })?.cause?.code;
  if (network && /^(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EPIPE|EHOSTUNREACH)$/.test(network)) {
    return new FailureError(`${target}: could not reach the AWS endpoint (${network})`, "check your network or --endpoint-url", {
      cause: error,
    });
  }
  if (name === "AbortError") {
    return new FailureError(`${target}: request aborted`, "rerun the command to try again", { cause: error });
  }
  const answered = err?.$metadata?.httpStatusCode ?? (error as { $response?: { statusCode?: number } })?.$response?.statusCode;
  if (answered !== undefined && notAnAwsAnswer(error)) {
    // The endpoint (a proxy, a load balancer, an outage page) answered something other than
    // the service's own JSON/XML: say the HTTP status, not the parser's complaint.
    const hint = answered >= 500 ? "the endpoint or a proxy in front of it failed; check --endpoint-url, then retry" : "check --endpoint-url and any proxy in between";
    return new AwsError(service || "AWS", operation || "call", `HTTP ${answered}`, "the endpoint answered with a body that is not an AWS response", hint, { cause: error });
  }
  if (err?.$metadata || service) {
    const status = err?.$metadata?.httpStatusCode;
    const detail = firstSentence(message);
    return new AwsError(service || "AWS", operation || "call", name, detail, hintFor(name, status), { cause: error });
  }
  return new FailureError(message, "rerun with --debug for details", { cause: error });
}

/**
 * A call that ran out of time (its last attempt timed out, or its total deadline passed), as
 * one line naming the service and operation, how many attempts and how long in all, and which
 * flag moves the limit.
 */
export function noAnswer(
  service: string,
  operation: string,
  { attempts, elapsedMs, raw, cause }: { attempts: number; elapsedMs?: number; raw?: unknown; cause?: unknown },
): NoAnswerError {
  const target = [service, operation].filter(Boolean).join(" ") || "AWS call";
  const tries = `${attempts} attempt${attempts === 1 ? "" : "s"}`;
  const took = elapsedMs === undefined ? "" : `, ${seconds(elapsedMs)}`;
  if (/establish a connection/i.test(String((raw as { message?: string } | undefined)?.message ?? ""))) {
    return new NoAnswerError(`no connection to the endpoint of ${target} after ${tries}${took}`, "check your network or --endpoint-url; a slow link needs a larger --cli-connect-timeout", { cause });
  }
  return new NoAnswerError(`no answer from ${target} after ${tries}${took}`, "check --endpoint-url and your network, or raise --cli-read-timeout (0 = no limit)", { cause });
}

/**
 * Ctrl-C abandoned a call in flight: a read changed nothing; a call whose caller chose to
 * abandon it may or may not have reached AWS.
 */
export function interruptedCall(service: string, operation: string, read: boolean): InterruptedError {
  return new InterruptedError(
    `interrupted during ${service} ${operation}`,
    read ? "nothing was changed by this read; rerun to finish" : "it may or may not have reached AWS: check before rerunning",
  );
}

/**
 * The answer could not be read as the service's own: a parser's error (JSON SyntaxError, the
 * SDK's "XML parse error", a TypeError from a number that is not one) raised while reading it,
 * or an error answer without any AWS error code in it.
 */
function notAnAwsAnswer(error: unknown): boolean {
  const err = error as { name?: string; message?: string; $fault?: string; $response?: unknown };
  if (err.name === "Unknown" || err.name === "UnknownError") return true;
  const whileReading = err.$response !== undefined && err.$fault === undefined;
  return whileReading || err.name === "SyntaxError" || /XML parse error|Deserialization error/i.test(err.message ?? "");
}

/** Node refused to send a header: a control character in the credentials (usage error, exit 2). */
export function badCredentialCharacters(env: NodeJS.ProcessEnv, error: unknown): UsageError {
  const variable = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"].find((name) => [...(env[name] ?? "")].some((c) => c < " " || c === "\u007f"));
  if (variable) return new UsageError(`${variable} contains a control character`, `set ${variable} again without it (a stray newline or escape from copy and paste?)`, { cause: error });
  return new UsageError("the AWS credentials contain a control character", "check the keys of your AWS profile (aws_access_key_id, aws_session_token) for stray characters", { cause: error });
}

function hintFor(code: string, status?: number): string | undefined {
  if (/AccessDenied|UnauthorizedOperation|NotAuthorized/i.test(code)) return "check the IAM permissions of these credentials";
  if (/ExpiredToken|InvalidClientTokenId|UnrecognizedClient|SignatureDoesNotMatch/i.test(code))
    return "refresh your AWS credentials (e.g. `aws sso login`)";
  if (isThrottlingCode(code)) return "AWS is throttling; retry later or lower the rate";
  if (status !== undefined && status >= 500) return "AWS had an internal error; retry";
  return undefined;
}

function firstSentence(message: string): string {
  const line = message.split("\n")[0] ?? "";
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}
