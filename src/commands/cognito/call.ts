import { clientSecretFlag, selectFlags } from "../../lib/cognito/flags.js";
import { deadline } from "../../lib/deadline.js";
import { currentLogin } from "../../lib/cognito/session.js";
import { checkSelector, clip } from "../../lib/cognito/shared.js";
import { defineCommand, opt, type OptionsOf } from "../../lib/command.js";
import type { CommandResult, Context } from "../../lib/context.js";
import { FailureError, UsageError } from "../../lib/errors.js";
import { readBounded, readTextArg } from "../../lib/input.js";

/** API Gateway carries at most 10 MB each way: a larger body to send is refused, a larger answer cut off. */
const API_GATEWAY_PAYLOAD_BYTES = 10 * 1024 * 1024;

const flags = {
  request: opt.string("-X, --request <method>", "HTTP method (default GET, or POST with -d)"),
  data: opt.string("-d, --data <body>", "request body: text, @file, or - for stdin (Content-Type defaults to application/json)"),
  header: opt.list("-H, --header <'K: V'>", "extra header, repeatable"),
  ...selectFlags(),
  clientSecret: clientSecretFlag("the app client's secret, if an expired login must be refreshed"),
  timeout: opt.int("--timeout <seconds>", "give up after this many seconds", { max: 3600, defaultValue: 60 }),
};

export default defineCommand({
  options: flags,
  args: [{ name: "<url>", description: "http(s) URL of the API" }],
  help: "Exits 1 on HTTP status 400 or above (status on stderr, body on stdout).",
  examples: [`awsblog cognito call https://abc.execute-api.us-east-1.amazonaws.com/prod/ -X POST -d '{"hello":"world"}'`],
  run: call,
});

export interface CallResult {
  status: number;
  body: unknown;
}

/**
 * An HTTP request with the cached ID token in `Authorization` (what an API Gateway Cognito
 * user pool authorizer reads; no "Bearer" prefix). Prints the body; HTTP ≥ 400 exits 1 with
 * the status on stderr.
 */
async function call(options: OptionsOf<typeof flags>, ctx: Context, args: string[]): Promise<CommandResult<CallResult>> {
  checkSelector(options);
  const url = parseUrl(args[0]);
  const headers = parseHeaders(options.header ?? []);
  const body = options.data === undefined ? undefined : await readTextArg(options.data, "-d/--data", ctx.stdin, API_GATEWAY_PAYLOAD_BYTES);
  const method = (options.request ?? (body === undefined ? "GET" : "POST")).toUpperCase();
  if (!/^[A-Z]+$/.test(method)) throw new UsageError(`-X "${clip(options.request ?? "")}" is not an HTTP method`, "e.g. -X GET, -X POST, -X PUT, -X DELETE");
  if (body !== undefined && !headers.has("content-type")) headers.set("content-type", "application/json");
  if (url.protocol === "http:" && !isLoopback(url.hostname)) ctx.out.warn(`sending the ID token over plain HTTP to ${clip(url.host)}`);

  const { entry } = await currentLogin(ctx, options);
  headers.set("authorization", entry.idToken);
  const shown = clip(url.href);
  ctx.out.debug(`→ ${method} ${shown} (Authorization: ***, ${body === undefined ? "no body" : `${Buffer.byteLength(body)} bytes`})`);

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
  // The body often says why (authorizer messages); print it, then fail with the status.
  ctx.out.result(data, text);
  throw new FailureError(`${method} ${shown} returned HTTP ${response.status}${response.statusText ? ` ${clip(response.statusText)}` : ""}`, hintFor(response.status));
}

/** The body as text, stopping at API Gateway's limit: a server that never stops sending cannot fill memory. */
async function readAnswer(response: Response, what: string): Promise<string> {
  if (!response.body) return "";
  const bytes = await readBounded(response.body, API_GATEWAY_PAYLOAD_BYTES, (limit) => new FailureError(`${what}: the answer is larger than ${limit}`, "API Gateway answers at most 10 MB; check the URL"));
  return bytes.toString("utf8");
}

function hintFor(status: number): string {
  if (status === 401) return "the API did not accept the ID token: log in again (awsblog cognito login) or check the authorizer's user pool and client";
  if (status === 403) return "the API refused this user or method: check the authorizer, the resource policy and the URL";
  if (status >= 500) return "the API or its backend failed: see its logs";
  return "check the URL, method and body";
}

function parseUrl(value: string | undefined): URL {
  if (!value) throw new UsageError("missing <url>", "e.g. awsblog cognito call https://abc.execute-api.us-east-1.amazonaws.com/prod/");
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`"${clip(value)}" is not a URL`, "pass an absolute http(s) URL, e.g. https://abc.execute-api.us-east-1.amazonaws.com/prod/");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new UsageError(`"${clip(value)}" is not an http(s) URL`, "pass an https:// (or, for a local test server, http://) URL");
  }
  return url;
}

function parseHeaders(values: string[]): Headers {
  const headers = new Headers();
  for (const value of values) {
    const at = value.indexOf(":");
    const name = at > 0 ? value.slice(0, at).trim() : "";
    if (!name || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) throw new UsageError(`-H "${clip(value)}" is not "Name: value"`, "e.g. -H 'Accept: application/json'");
    if (name.toLowerCase() === "authorization") throw new UsageError("-H Authorization: call sets it to the cached ID token", "drop that header");
    try {
      headers.append(name, value.slice(at + 1).trim());
    } catch {
      throw new UsageError(`-H "${clip(name)}": the value has characters a header cannot carry`, "remove control characters and line breaks from the value");
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
