import { spawn } from "node:child_process";
import type { ServerResponse } from "node:http";
import type { Context } from "./context.js";
import { UsageError } from "./errors.js";
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
