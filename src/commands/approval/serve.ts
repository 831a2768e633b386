import { createServer, type Server } from "node:http";
import { createApprovalHandler, type HostPolicy } from "../../lib/approvals/server.js";
import { defineCommand, opt, type OptionsOf } from "../../lib/command.js";
import type { CommandResult, Context } from "../../lib/context.js";
import { FailureError, UsageError } from "../../lib/errors.js";

const flags = {
  host: opt.stringWithDefault("--host <host>", "address to listen on (0.0.0.0 or :: for every interface: say so explicitly)", "127.0.0.1"),
  port: opt.custom("--port <port>", "port to listen on (0 = any free port)", portNumber, 8080),
  publicUrl: opt.custom("--public-url <url>", "the URL people open (as in the worker's --base-url), when it is not this address: its host is accepted in Host", publicUrl),
  trustProxy: opt.flag("--trust-proxy", "read the host from X-Forwarded-Host (only behind your own reverse proxy, which must set it)"),
  headersTimeout: { ...opt.custom("--headers-timeout <s>", "close a connection whose request headers are not complete after this many seconds", seconds, 10), hidden: true },
};

export default defineCommand({
  options: flags,
  help: `
Routes: GET|HEAD /succeed?taskToken=… and /fail?taskToken=… (confirmation page, changes nothing),
POST /succeed and /fail (form body taskToken=…; SendTaskSuccess {"approved":true} / SendTaskFailure
error Rejected), GET /healthz. Requests naming another host (DNS rebinding) get 421: the Host must
be an IP address of this server, localhost (when bound to loopback) or --public-url's host.
Output: one line per event on stdout; with -o json, JSON Lines: {"event":"listening","url"} then one {"event":"decided","action","ok"} per decision.
Ctrl-C stops after decisions in flight (exit 130).`,
  examples: ["awsblog approval serve --port 8080", "awsblog approval serve --host 0.0.0.0 --public-url https://approvals.example.com --trust-proxy"],
  run: serve,
});


/**
 * `awsblog approval serve`: the approve/reject endpoints as a local web server until Ctrl-C.
 * Streams JSON Lines: one when listening, one per decision.
 */
async function serve(options: OptionsOf<typeof flags>, ctx: Context): Promise<CommandResult | void> {
  const host = (options.host ?? "127.0.0.1").trim();
  const port = options.port ?? 8080;
  if (host === "") {
    // Node binds every interface for an empty host: never do that by accident.
    throw new UsageError("--host is empty, which would listen on every interface", "pass --host 127.0.0.1 (this machine only) or --host 0.0.0.0 to mean every interface");
  }
  if (!/^[A-Za-z0-9._:%-]{1,253}$/.test(host)) {
    throw new UsageError(`--host "${host.slice(0, 60).replace(/[^\x20-\x7e]/g, "?")}" is not a host name or IP address`, "pass e.g. --host 127.0.0.1 (this machine only) or --host 0.0.0.0");
  }
  const loopback = ["127.0.0.1", "localhost", "::1"].includes(host);
  // Built before listening, so a missing region or profile fails at start (exit 2), not on
  // the manager's click.
  const sfn = await ctx.services.sfn();
  const headersTimeout = (options.headersTimeout ?? 10) * 1000;
  const hosts: HostPolicy = { port, loopback, publicUrl: options.publicUrl, trustProxy: Boolean(options.trustProxy) };
  const handler = createApprovalHandler({ sfn: async () => sfn, out: ctx.out, hosts });
  const server = createServer(
    {
      // Slow clients (slowloris) and connections that send nothing are cut at headersTimeout;
      // Node checks every connectionsCheckingInterval, 30 s by default: 4× the timeout.
      headersTimeout,
      requestTimeout: Math.max(30_000, headersTimeout),
      keepAliveTimeout: 5_000,
      connectionsCheckingInterval: Math.min(1_000, headersTimeout),
    },
    (req, res) => void handler(req, res),
  );

  await listen(server, host, port);
  // Said once listening works: a host that is not ours is one error line, not a warning and an error.
  if (!loopback) {
    ctx.out.warn(`listening on ${host}: anyone who can reach it with a link can decide; put it behind HTTPS and your own access control`);
  }
  const address = server.address();
  const actualPort = typeof address === "object" && address ? address.port : port;
  hosts.port = actualPort;
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${actualPort}`;
  ctx.out.line({ event: "listening", url }, `listening on ${url} — Ctrl-C to stop`);

  await stopOnAbort(server, ctx.signal);
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EADDRINUSE") reject(new UsageError(`port ${port} on ${host} is already in use`, "pick another --port (0 = any free port)"));
      else if (error.code === "EACCES") reject(new UsageError(`not allowed to listen on ${host}:${port}`, "use a port above 1023"));
      else if (error.code === "EADDRNOTAVAIL" || error.code === "ENOTFOUND") reject(new UsageError(`--host ${host} is not an address of this machine`, "pass one of its addresses, e.g. --host 127.0.0.1"));
      else reject(new FailureError(`could not listen on ${host}:${port}: ${error.message}`, "check --host and --port"));
    });
    server.listen(port, host, () => resolve());
  });
}

/** Ctrl-C: stop accepting, let decisions in flight finish (at most 10 s), then return. */
function stopOnAbort(server: Server, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      server.close(() => resolve());
      server.closeIdleConnections();
      setTimeout(() => server.closeAllConnections(), 10_000).unref();
    };
    if (signal.aborted) stop();
    else signal.addEventListener("abort", stop, { once: true });
  });
}

function publicUrl(value: string): URL {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== "http:" && url.protocol !== "https:")) {
    throw new UsageError(`--public-url ${JSON.stringify(value)} is not an http(s) URL`, "pass the address people open, e.g. --public-url https://approvals.example.com");
  }
  return url;
}

function seconds(value: string): number {
  const n = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value.trim()) || n <= 0 || n > 600) {
    throw new UsageError(`--headers-timeout must be a number of seconds from 0 to 600, got ${JSON.stringify(value)}`, "e.g. --headers-timeout 10");
  }
  return n;
}

/** 0 asks the system for any free port (the URL is printed once listening). */
function portNumber(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value.trim()) || port > 65_535) throw new UsageError(`--port must be a whole number from 0 to 65535, got "${value}"`, "e.g. --port 8080, or 0 for any free port");
  return port;
}
