import { spawn } from "node:child_process";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { Context } from "./context.js";
import { FailureError, UsageError } from "./errors.js";
import { clipValue } from "./terminal.js";

/**
 * What the local endpoints a browser comes back to share (`saml login --listen`, `cognito
 * login --hosted-ui`): the --listen address, the Host check against DNS rebinding, a small
 * page that says what happened, and opening the browser.
 */
export interface ListenAddress {
  host: string;
  port: number;
}

/** `host:port` or `port` (127.0.0.1); `example` is the hint's sample value. */
export function parseListen(value: string, example = "--listen 127.0.0.1:4567 (the IdP's AWS relying party posts to http://127.0.0.1:4567/saml)"): ListenAddress {
  const match = /^(?:(\[[0-9a-f:]+\]|[^:[\]\s]*):)?(\d{1,5})$/i.exec(value.trim());
  const port = Number(match?.[2]);
  if (!match || port < 1 || port > 65_535) {
    throw new UsageError(`--listen "${clipValue(value, 60)}" is not host:port`, `e.g. ${example}`);
  }
  const host = match[1] === undefined ? "127.0.0.1" : match[1].replace(/^\[|\]$/g, "");
  if (host === "") throw new UsageError("--listen has an empty host, which would listen on every interface", "use --listen 127.0.0.1:<port>");
  return { host, port };
}

export const LOOPBACK = ["127.0.0.1", "::1", "localhost"];

/** DNS rebinding: only requests addressed to the bound address (or loopback names) count. */
export function hostAllowed(host: string | undefined, address: ListenAddress): boolean {
  const match = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(host ?? "");
  if (!match || match[2] !== String(address.port)) return false;
  const name = match[1]!.replace(/^\[|\]$/g, "").toLowerCase();
  if (address.host === "0.0.0.0" || address.host === "::") return true;
  if (LOOPBACK.includes(address.host)) return LOOPBACK.includes(name);
  return name === address.host.toLowerCase();
}

/**
 * A small page for the browser; title and message are our own text, never a request's. The
 * connection is closed after it: a browser's kept-alive socket would otherwise carry its next
 * request (the next login on the same port) to this listener after it stopped waiting.
 */
export function answerPage(res: ServerResponse, status: number, title: string, message: string): void {
  if (res.headersSent) return;
  res.writeHead(status, {
    "content-type": "text/html; charset=utf-8",
    "cache-control": "no-store",
    "content-security-policy": "default-src 'none'",
    "referrer-policy": "no-referrer",
    connection: "close",
  });
  res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head><body><h1>${title}</h1><p>${message}</p></body></html>`);
}

/** $BROWSER if set, else the platform's opener; never through a shell. */
export function openBrowser(url: URL, ctx: Context): void {
  const opener = ctx.env.BROWSER || (process.platform === "darwin" ? "open" : process.platform === "win32" ? "explorer.exe" : "xdg-open");
  try {
    const child = spawn(opener, [url.href], { stdio: "ignore", detached: true, shell: false });
    child.on("error", () => ctx.out.warn(`could not start ${clipValue(opener, 40)}; open ${clipValue(url.href, 200)} yourself`));
    child.unref();
    ctx.out.info(`Opening ${clipValue(url.href, 200)}`);
  } catch {
    ctx.out.warn(`could not open a browser; open ${clipValue(url.href, 200)} yourself`);
  }
}

export interface CallbackWait<T> {
  address: ListenAddress;
  /** What to bind when it differs from the address users see ("localhost" → 127.0.0.1). */
  bindHost?: string;
  timeoutSeconds: number;
  timedOut(bound: ListenAddress): Error;
  interrupted(): Error;
  /** The hint when the address cannot be bound (in use, not ours). */
  listenHint: string;
  /** Listening now on `bound` (its real port when 0 was asked). */
  onListening(bound: ListenAddress): void;
  /** One request addressed to us (the Host is checked already); `done` ends the wait. */
  handle(req: IncomingMessage, res: ServerResponse, done: (error: Error | undefined, value?: T) => void): void;
}

/**
 * Waits on a loopback listener for the one request a browser brings back (a SAML post, an
 * OAuth redirect): until `handle` says done, Ctrl-C, or the timeout. The listener stops at
 * once; the last page still goes out before the connections are closed.
 */
export function waitForCallback<T>(ctx: Pick<Context, "signal">, wait: CallbackWait<T>): Promise<T> {
  const { address } = wait;
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    let bound = address;
    const server = createServer((req, res) => {
      if (!hostAllowed(req.headers.host, bound)) return answerPage(res, 421, "Wrong host", "This endpoint only answers on its own address.");
      wait.handle(req, res, finish);
    });
    function finish(error: Error | undefined, value?: T): void {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      ctx.signal.removeEventListener("abort", onAbort);
      // Let the "you can close this window" page go out, then stop listening.
      server.close();
      setTimeout(() => server.closeAllConnections(), 1000).unref();
      if (error) reject(error);
      else resolve(value as T);
    }
    const onAbort = () => finish(wait.interrupted());
    ctx.signal.addEventListener("abort", onAbort, { once: true });
    const timer = setTimeout(() => finish(wait.timedOut(bound)), wait.timeoutSeconds * 1000);
    server.headersTimeout = 10_000;
    server.requestTimeout = 30_000;
    server.on("error", (error: NodeJS.ErrnoException) => {
      const where = `${address.host}:${address.port}`;
      finish(
        error.code === "EADDRINUSE" || error.code === "EACCES" || error.code === "EADDRNOTAVAIL"
          ? new UsageError(`cannot listen on ${where} (${error.code})`, wait.listenHint)
          : new FailureError(`cannot listen on ${where} (${error.code ?? error.message})`, "pick another address"),
      );
    });
    server.listen(address.port, wait.bindHost ?? address.host, () => {
      const info = server.address();
      bound = { host: address.host, port: typeof info === "object" && info ? info.port : address.port };
      wait.onListening(bound);
    });
  });
}
