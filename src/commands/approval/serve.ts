import { createServer, type Server } from "node:http";
import type { StepFunctionsApi } from "../../lib/aws/sfn.js";
import { createApprovalHandler } from "../../lib/approvals/server.js";
import type { CommandResult, Context } from "../../lib/context.js";
import { FailureError, UsageError } from "../../lib/errors.js";

export interface ServeOptions {
  host?: string;
  port?: number;
}

/**
 * `awsblog approval serve`: the approve/reject endpoints as a local web server until Ctrl-C.
 * Streams JSON Lines: one when listening, one per decision.
 */
export async function serve(options: ServeOptions, ctx: Context, deps: { sfn?: StepFunctionsApi } = {}): Promise<CommandResult | void> {
  const host = options.host ?? "127.0.0.1";
  const port = options.port ?? 8080;
  if (!["127.0.0.1", "localhost", "::1"].includes(host)) {
    ctx.out.warn(`listening on ${host}: anyone who can reach it with a link can decide; put it behind HTTPS and your own access control`);
  }
  // Built before listening, so a missing region or profile fails at start (exit 2), not on
  // the manager's click.
  const sfn = deps.sfn ?? (await (await import("../../lib/aws/sfn.js")).createStepFunctionsApi(ctx.aws));
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
