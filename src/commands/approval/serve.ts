import { createServer, type Server } from "node:http";
import { createApprovalHandler } from "../../lib/approvals/server.js";
import { defineCommand, opt, type OptionsOf } from "../../lib/command.js";
import type { CommandResult, Context } from "../../lib/context.js";
import { FailureError, UsageError } from "../../lib/errors.js";

const flags = {
  host: opt.stringWithDefault("--host <host>", "address to listen on", "127.0.0.1"),
  port: opt.custom("--port <port>", "port to listen on (0 = any free port)", portNumber, 8080),
};

export default defineCommand({
  options: flags,
  help: `
Routes: GET|HEAD /succeed?taskToken=… and /fail?taskToken=… (confirmation page, changes nothing),
POST /succeed and /fail (form body taskToken=…; SendTaskSuccess {"approved":true} / SendTaskFailure
error Rejected), GET /healthz. Output is JSON Lines on stdout: {"event":"listening","url"} then one
{"event":"decided","action","ok"} per decision. Ctrl-C stops after decisions in flight (exit 130).`,
  examples: ["awsblog approval serve --port 8080"],
  run: serve,
});


/**
 * `awsblog approval serve`: the approve/reject endpoints as a local web server until Ctrl-C.
 * Streams JSON Lines: one when listening, one per decision.
 */
async function serve(options: OptionsOf<typeof flags>, ctx: Context): Promise<CommandResult | void> {
  const host = options.host ?? "127.0.0.1";
  const port = options.port ?? 8080;
  if (!["127.0.0.1", "localhost", "::1"].includes(host)) {
    ctx.out.warn(`listening on ${host}: anyone who can reach it with a link can decide; put it behind HTTPS and your own access control`);
  }
  // Built before listening, so a missing region or profile fails at start (exit 2), not on
  // the manager's click.
  const sfn = await ctx.services.sfn();
  const handler = createApprovalHandler({ sfn: async () => sfn, out: ctx.out });
  const server = createServer((req, res) => void handler(req, res));
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;

  await listen(server, host, port);
  const address = server.address();
  const actualPort = typeof address === "object" && address ? address.port : port;
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${actualPort}`;
  ctx.out.line({ event: "listening", url }, `listening on ${url} — Ctrl-C to stop`);

  await stopOnAbort(server, ctx.signal);
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EADDRINUSE") reject(new UsageError(`port ${port} on ${host} is already in use`, "pick another --port (0 = any free port)"));
      else if (error.code === "EACCES") reject(new UsageError(`not allowed to listen on ${host}:${port}`, "use a port above 1023"));
      else if (error.code === "EADDRNOTAVAIL" || error.code === "ENOTFOUND") reject(new UsageError(`--host ${host} is not an address of this machine`));
      else reject(new FailureError(`could not listen on ${host}:${port}: ${error.message}`));
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

/** 0 asks the system for any free port (the URL is printed once listening). */
function portNumber(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value.trim()) || port > 65_535) throw new UsageError(`--port must be a whole number from 0 to 65535, got "${value}"`, "e.g. --port 8080, or 0 for any free port");
  return port;
}
