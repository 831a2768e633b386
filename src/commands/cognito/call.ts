import { clientSecretFlag, selectFlags } from "../../lib/cognito/flags.js";
import { currentLogin } from "../../lib/cognito/session.js";
import { defineCommand, opt, type OptionsOf } from "../../lib/command.js";
import type { CommandResult, Context } from "../../lib/context.js";
import { FailureError, UsageError } from "../../lib/errors.js";
import { readTextArg } from "../../lib/input.js";

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
  const url = parseUrl(args[0]);
  const headers = parseHeaders(options.header ?? []);
  const body = options.data === undefined ? undefined : await readTextArg(options.data, "-d/--data", ctx.stdin);
  const method = (options.request ?? (body === undefined ? "GET" : "POST")).toUpperCase();
  if (!/^[A-Z]+$/.test(method)) throw new UsageError(`-X "${options.request}" is not an HTTP method`);
  if (body !== undefined && !headers.has("content-type")) headers.set("content-type", "application/json");
  if (url.protocol === "http:" && !isLoopback(url.hostname)) ctx.out.warn(`sending the ID token over plain HTTP to ${url.host}`);

  const { entry } = await currentLogin(ctx, options);
  headers.set("authorization", entry.idToken);
  ctx.out.debug(`→ ${method} ${url.href} (Authorization: ***, ${body === undefined ? "no body" : `${Buffer.byteLength(body)} bytes`})`);

    const timeoutMs = (options.timeout ?? 60) * 1000;
  let response: Response;
  try {
    response = await ctx.services.fetch(url, { method, headers, body, signal: AbortSignal.any([ctx.signal, AbortSignal.timeout(timeoutMs)]) });
  } catch (error) {
    const err = error as Error & { cause?: { code?: string } };
    const reason = err.name === "TimeoutError" ? `no answer within ${timeoutMs / 1000} s` : (err.cause?.code ?? err.message);
    throw new FailureError(`${method} ${url.href} failed: ${reason}`, "check the URL and your network", { cause: error });
  }
  const text = await response.text();
  ctx.out.debug(`← HTTP ${response.status} ${response.statusText}, ${Buffer.byteLength(text)} bytes`);
  const data: CallResult = { status: response.status, body: parseMaybeJson(text, response.headers.get("content-type")) };
  if (response.status < 400) return { data, text };
  // The body often says why (authorizer messages); print it, then fail with the status.
  ctx.out.result(data, text);
  throw new FailureError(`${method} ${url.href} returned HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ""}`, hintFor(response.status));
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
    throw new UsageError(`"${value}" is not a URL`, "pass an absolute http(s) URL");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new UsageError(`"${value}" is not an http(s) URL`);
  return url;
}

function parseHeaders(values: string[]): Headers {
  const headers = new Headers();
  for (const value of values) {
    const at = value.indexOf(":");
    const name = at > 0 ? value.slice(0, at).trim() : "";
    if (!name || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) throw new UsageError(`-H "${value}" is not "Name: value"`);
    if (name.toLowerCase() === "authorization") throw new UsageError("-H Authorization: call sets it to the cached ID token", "drop that header");
    try {
      headers.append(name, value.slice(at + 1).trim());
    } catch {
      throw new UsageError(`-H "${name}": the value has characters a header cannot carry`);
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
