import type { Context } from "../context.js";
import { deadline, limitsFrom, requestBudgetMs, seconds } from "../deadline.js";
import { FailureError, InterruptedError, UsageError } from "../errors.js";
import { readBounded } from "../input.js";
import { clipValue } from "../terminal.js";
import type { ProfileCredentials } from "./profile-credentials.js";

/**
 * The AWS console for a profile's temporary credentials, as IAM's "custom identity broker"
 * recipe does it: the federation endpoint's `getSigninToken` turns the session
 * ({sessionId, sessionKey, sessionToken}) into a sign-in token, and `Action=login` with that
 * token and a Destination is the URL a browser opens. The URL signs anyone in who has it for
 * 15 minutes, so it is a secret: only ever on stdout or handed to the browser.
 */
export interface Partition {
  name: "aws" | "aws-cn" | "aws-us-gov";
  federation: string;
  console: string;
}

const PARTITIONS: Record<Partition["name"], Partition> = {
  aws: { name: "aws", federation: "https://signin.aws.amazon.com/federation", console: "https://console.aws.amazon.com/" },
  "aws-cn": { name: "aws-cn", federation: "https://signin.amazonaws.cn/federation", console: "https://console.amazonaws.cn/" },
  "aws-us-gov": { name: "aws-us-gov", federation: "https://signin.amazonaws-us-gov.com/federation", console: "https://console.amazonaws-us-gov.com/" },
};

/** The partition from the SAML provider's ARN (`arn:aws-cn:…`), else the region's prefix, else aws. */
export function partitionFor(principalArn: string | undefined, region: string | undefined): Partition {
  const fromArn = /^arn:(aws|aws-cn|aws-us-gov):/.exec(principalArn ?? "")?.[1] as Partition["name"] | undefined;
  if (fromArn) return PARTITIONS[fromArn];
  if (region?.startsWith("cn-")) return PARTITIONS["aws-cn"];
  if (region?.startsWith("us-gov-")) return PARTITIONS["aws-us-gov"];
  return PARTITIONS.aws;
}

/** https only, except loopback (tests, a local double). */
export function checkFederationEndpoint(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`--federation-endpoint "${clipValue(value, 80)}" is not a URL`, "e.g. https://signin.aws.amazon.com/federation");
  }
  const loopback = ["127.0.0.1", "[::1]", "localhost"].includes(url.hostname);
  if (url.protocol !== "https:" && !(url.protocol === "http:" && loopback)) {
    throw new UsageError(`--federation-endpoint must be https (got ${clipValue(url.protocol, 20)})`, "the session credentials are sent to it; use https://signin.aws.amazon.com/federation");
  }
  if (url.search || url.hash) throw new UsageError("--federation-endpoint takes no query or fragment", "pass the endpoint only, e.g. https://signin.aws.amazon.com/federation");
  return url;
}

/** A console path (`s3/home`, `/cloudwatch/home?region=eu-west-1`) or a whole https URL. */
export function destinationUrl(value: string | undefined, partition: Partition): string {
  if (value === undefined || value === "") return partition.console;
  if (/^[a-z][a-z0-9+.-]*:/i.test(value)) {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw new UsageError(`--destination "${clipValue(value, 80)}" is not a URL`, "pass a console path like s3/home or an https:// console URL");
    }
    if (url.protocol !== "https:") throw new UsageError(`--destination must be https (got ${clipValue(url.protocol, 20)})`, "pass a console path like s3/home or an https:// console URL");
    return url.href;
  }
  return new URL(value.replace(/^\/+/, ""), partition.console).href;
}

export interface ConsoleRequest {
  endpoint: URL;
  destination: string;
  issuer: string;
  /** Console session length (900–43200 s); omitted: the federation endpoint's default. */
  sessionDuration?: number;
}

const TOKEN_BYTES = 64 * 1024;

export async function getSigninToken(credentials: ProfileCredentials, request: ConsoleRequest, ctx: Context): Promise<string> {
  if (!credentials.sessionToken) {
    throw new FailureError(
      `profile ${credentials.profile} holds long-term keys (no session token)`,
      "the console federation needs temporary credentials: sign in with awsblog saml login and use that profile",
    );
  }
  const session = JSON.stringify({ sessionId: credentials.accessKeyId, sessionKey: credentials.secretAccessKey, sessionToken: credentials.sessionToken });
  const url = new URL(request.endpoint.href);
  url.searchParams.set("Action", "getSigninToken");
  if (request.sessionDuration !== undefined) url.searchParams.set("SessionDuration", String(request.sessionDuration));
  url.searchParams.set("Session", session);
  const where = `${request.endpoint.origin}${request.endpoint.pathname}`;
  const limit = requestBudgetMs(limitsFrom(ctx.globals));
  const timer = deadline(limit, ctx.signal);
  try {
    const response = await ctx.services.fetch(url, { headers: { accept: "application/json", "user-agent": "awsblog (saml console)" }, redirect: "manual", signal: timer.signal });
    const tooLarge = () => new FailureError(`the federation endpoint's answer is larger than ${TOKEN_BYTES} bytes`, "check --federation-endpoint");
    const body = response.body ? (await readBounded(response.body, TOKEN_BYTES, tooLarge)).toString("utf8") : "";
    // Never the URL: its query holds the session's secret key.
    ctx.out.debug(() => `→ federation getSigninToken ${clipValue(where, 120)} ${response.status}`);
    if (response.status !== 200) {
      throw new FailureError(
        `the federation endpoint refused the session (HTTP ${response.status})`,
        response.status === 400
          ? `the credentials of profile ${credentials.profile} may have expired or come from a chained role; log in again: awsblog saml login --write-profile ${credentials.profile}`
          : "check --federation-endpoint and try again",
      );
    }
    let token: unknown;
    try {
      token = (JSON.parse(body) as { SigninToken?: unknown }).SigninToken;
    } catch {
      token = undefined;
    }
    if (typeof token !== "string" || token === "") throw new FailureError("the federation endpoint answered without a SigninToken", "check --federation-endpoint and any proxy: what answered is not AWS");
    return token;
  } catch (error) {
    if (ctx.signal.aborted) throw new InterruptedError("interrupted while asking the federation endpoint");
    if (error instanceof FailureError) throw error;
    if (timer.expired) throw new FailureError(`the federation endpoint did not answer within ${seconds(limit)} (${clipValue(where, 120)})`, "check your network; --cli-read-timeout sets the limit");
    const code = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
    throw new FailureError(`could not reach the federation endpoint ${clipValue(where, 120)} (${clipValue(String(code), 40)})`, "check your network and --federation-endpoint");
  } finally {
    timer.dispose();
  }
}

export function consoleLoginUrl(token: string, request: ConsoleRequest): string {
  const url = new URL(request.endpoint.href);
  url.searchParams.set("Action", "login");
  url.searchParams.set("Issuer", request.issuer);
  url.searchParams.set("Destination", request.destination);
  url.searchParams.set("SigninToken", token);
  return url.href;
}
