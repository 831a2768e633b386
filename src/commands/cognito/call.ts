import { clientSecretFlag, selectFlags } from "../../lib/cognito/flags.js";
import { deadline } from "../../lib/deadline.js";
import { currentLogin } from "../../lib/cognito/session.js";
import { checkSelector } from "../../lib/cognito/shared.js";
import { arg, defineCommand, opt, type ArgsOf, type OptionsOf } from "../../lib/command.js";
import type { CommandResult, Context } from "../../lib/context.js";
import { FailureError, UsageError } from "../../lib/errors.js";
import { readBounded, readTextArg } from "../../lib/input.js";
import { clipValue } from "../../lib/terminal.js";

/** API Gateway carries at most 10 MB each way: a larger body to send is refused, a larger answer cut off. */
const API_GATEWAY_PAYLOAD_BYTES = 10 * 1024 * 1024;

const flags = {
  request: opt.string("-X, --request <method>", "HTTP method (default GET, or POST with -d)"),
  data: opt.string("-d, --data <body>", "request body: text, @file, or - for stdin (Content-Type defaults to application/json)"),
  header: opt.list("-H, --header <'K: V'>", "extra header, repeatable"),
  ...selectFlags(),
  clientSecret: clientSecretFlag("the app client's secret, if an expired login must be refreshed"),
  timeout: opt.int("--timeout <seconds>", "give up after this many seconds", { max: 3600, defaultValue: 60 }),
  // Not opt.choice: its error echoes the value, and a token pasted here by mistake must not be printed back.
  token: {
    ...opt.custom("--token <kind>", "which cached token to send: id (a Cognito user pool authorizer) or access (OAuth scopes, JWT authorizers)", parseTokenKind, "id"),
    values: ["id", "access"],
  },
  authScheme: opt.choice("--auth-scheme <scheme>", "raw (Authorization: <token>) or bearer (Authorization: Bearer <token>)", ["raw", "bearer"], "raw"),
};
const args = { url: arg("<url>", "http(s) URL of the API", parseUrl) };

export default defineCommand({
  options: flags,
  args,
  help: `Exits 1 on HTTP status 400 or above (status on stderr, body on stdout).
Default: Authorization: <ID token>, what an API Gateway Cognito user pool authorizer reads.
An HTTP API JWT authorizer or a resource server checking scopes wants --token access --auth-scheme bearer.`,
  examples: [
    `awsblog cognito call https://abc.execute-api.us-east-1.amazonaws.com/prod/ -X POST -d '{"hello":"world"}'`,
    `awsblog cognito call https://api.example.com/v1/orders --token access --auth-scheme bearer`,
  ],
  run: call,
});

export interface CallResult {
  status: number;
  body: unknown;
}

/**
 * An HTTP request with a cached token in `Authorization`: by default the ID token with no
 * "Bearer" prefix (what an API Gateway Cognito user pool authorizer reads); `--token access`
 * and `--auth-scheme bearer` for JWT authorizers and OAuth resource servers. Prints the body;
 * HTTP ≥ 400 exits 1 with the status on stderr.
 */
async function call(options: OptionsOf<typeof flags>, ctx: Context, { url }: ArgsOf<typeof args>): Promise<CommandResult<CallResult>> {
  checkSelector(options);
  const headers = parseHeaders(options.header ?? []);
  const body = options.data === undefined ? undefined : await readTextArg(options.data, "-d/--data", ctx.stdin, API_GATEWAY_PAYLOAD_BYTES);
  const method = (options.request ?? (body === undefined ? "GET" : "POST")).toUpperCase();
  if (!/^[A-Z]+$/.test(method)) throw new UsageError(`-X "${clipValue(options.request ?? "")}" is not an HTTP method`, "e.g. -X GET, -X POST, -X PUT, -X DELETE");
  if (body !== undefined && !headers.has("content-type")) headers.set("content-type", "application/json");
  const kind = options.token === "access" ? "access" : "id";
  const bearer = options.authScheme === "bearer";
  if (url.protocol === "http:" && !isLoopback(url.hostname)) ctx.out.warn(`sending the ${kind === "id" ? "ID" : "access"} token over plain HTTP to ${clipValue(url.host)}`);

  const { entry } = await currentLogin(ctx, options);
  const token = kind === "id" ? entry.idToken : entry.accessToken;
  headers.set("authorization", bearer ? `Bearer ${token}` : token);
  const shown = clipValue(url.href);
  ctx.out.debug(`→ ${method} ${shown} (Authorization: ${bearer ? "Bearer " : ""}***, ${body === undefined ? "no body" : `${Buffer.byteLength(body)} bytes`})`);

  const timeoutS = options.timeout ?? 60;
  const timer = deadline(timeoutS * 1000, ctx.signal);
  let response: Response;
  let text: string;
  try {
    response = await ctx.services.fetch(url, { method, headers, body, signal: timer.signal });
    text = await readAnswer(response, `${method} ${shown}`);
  } catch (error) {
    if (error instanceof FailureError) throw error;
    const err = error as Error & { cause?: { code?: string } };
    const reason = timer.expired ? `no answer within ${timeoutS} s` : (err.cause?.code ?? err.message);
    const hint = timer.expired ? "check that the API is up, or allow longer with --timeout <seconds>" : "check the URL and your network";
    throw new FailureError(`${method} ${shown} failed: ${reason}`, hint, { cause: error });
  } finally {
    timer.dispose();
  }
  ctx.out.debug(`← HTTP ${response.status} ${response.statusText}, ${Buffer.byteLength(text)} bytes`);
  const data: CallResult = { status: response.status, body: parseMaybeJson(text, response.headers.get("content-type")) };
  if (response.status < 400) return { data, text };
  // The body often says why (authorizer messages): it is the result, and the status the failure.
  const failure = { message: `${method} ${shown} returned HTTP ${response.status}${response.statusText ? ` ${clipValue(response.statusText)}` : ""}`, hint: hintFor(response.status) };
  return { data, text, failure };
}

/** The body as text, stopping at API Gateway's limit: a server that never stops sending cannot fill memory. */
async function readAnswer(response: Response, what: string): Promise<string> {
  if (!response.body) return "";
  const bytes = await readBounded(response.body, API_GATEWAY_PAYLOAD_BYTES, (limit) => new FailureError(`${what}: the answer is larger than ${limit}`, "API Gateway answers at most 10 MB; check the URL"));
  return bytes.toString("utf8");
}

function hintFor(status: number): string {
  if (status === 401) return "the API did not accept the token: log in again (awsblog cognito login), check the authorizer's user pool and client, or try --token access --auth-scheme bearer";
  if (status === 403) return "the API refused this user or method: check the authorizer, the resource policy and the URL";
  if (status >= 500) return "the API or its backend failed: see its logs";
  return "check the URL, method and body";
}

function parseTokenKind(value: string): "id" | "access" {
  if (value === "id" || value === "access") return value;
  throw new UsageError("--token names which cached token to send: id or access", "e.g. --token access (the token itself is never passed on the command line)");
}

function parseUrl(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`"${clipValue(value)}" is not a URL`, "pass an absolute http(s) URL, e.g. https://abc.execute-api.us-east-1.amazonaws.com/prod/");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new UsageError(`"${clipValue(value)}" is not an http(s) URL`, "pass an https:// (or, for a local test server, http://) URL");
  }
  return url;
}

function parseHeaders(values: string[]): Headers {
  const headers = new Headers();
  for (const value of values) {
    const at = value.indexOf(":");
    const name = at > 0 ? value.slice(0, at).trim() : "";
    if (!name || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) throw new UsageError(`-H "${clipValue(value)}" is not "Name: value"`, "e.g. -H 'Accept: application/json'");
    if (name.toLowerCase() === "authorization") throw new UsageError("-H Authorization: call sets it to the cached token", "drop that header (pick the token with --token and --auth-scheme)");
    try {
      headers.append(name, value.slice(at + 1).trim());
    } catch {
      throw new UsageError(`-H "${clipValue(name)}": the value has characters a header cannot carry`, "remove control characters and line breaks from the value");
    }
  }
  return headers;
}

function isLoopback(host: string): boolean {
  return host === "localhost" || host === "[::1]" || /^127\./.test(host);
}

function parseMaybeJson(text: string, contentType: string | null): unknown {
  if (!contentType?.includes("json")) return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
