import { spawn } from "node:child_process";
import type { Context } from "../context.js";
import { clipValue } from "../terminal.js";

/**
 * Opens a URL in the user's browser: $BROWSER if set, else the platform's opener; never through
 * a shell. `secret`: the URL signs someone in (a console link), so messages never show it.
 */
export function openBrowser(url: string, ctx: Pick<Context, "env" | "out">, options: { secret?: boolean } = {}): void {
  const opener = ctx.env.BROWSER || (process.platform === "darwin" ? "open" : process.platform === "win32" ? "explorer.exe" : "xdg-open");
  const shown = options.secret ? "the link" : clipValue(url, 200);
  const yourself = options.secret ? "print the link without --open and open it yourself" : `open ${shown} yourself`;
  try {
    const child = spawn(opener, [url], { stdio: "ignore", detached: true, shell: false });
    child.on("error", () => ctx.out.warn(`could not start ${clipValue(opener, 40)}; ${yourself}`));
    child.unref();
    ctx.out.info(options.secret ? `Opening the link with ${clipValue(opener, 40)}` : `Opening ${shown}`);
  } catch {
    ctx.out.warn(`could not open a browser; ${yourself}`);
  }
}
