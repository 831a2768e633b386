import type { Context } from "../context.js";
import { UsageError } from "../errors.js";
import { readStdinLine } from "../input.js";

/**
 * The terminal side of an authenticator enrolment: the otpauth:// URI (always) and a QR code
 * (only when stderr is a terminal) go to stderr like a prompt — stdout keeps the result — and
 * the app's first code comes from a visible prompt or, for scripts, one line of stdin.
 */
export function totpPresenter(ctx: Pick<Context, "stderr">): (uri: string) => Promise<void> {
  return async (uri) => {
    let qr = "";
    if (ctx.stderr.isTTY) {
      const { default: QRCode } = await import("qrcode");
      qr = await QRCode.toString(uri, { type: "terminal", small: true });
    }
    const lead = qr ? "Scan this QR code with your authenticator app, or add the key URI below:" : "Add this key URI to your authenticator app:";
    ctx.stderr.write(`${lead}\n${qr}${uri}\n`);
  };
}

/** A TOTP code is six digits; Cognito's limit is the same. */
const CODE = /^\d{6}$/;
const CODE_LINE_BYTES = 1024;

export function totpCodeReader(ctx: Pick<Context, "stdin" | "stderr" | "services" | "signal">, codeStdin: boolean): () => Promise<string> {
  return async () => {
    const typed = codeStdin
      ? await readStdinLine(ctx.stdin, "--code-stdin", CODE_LINE_BYTES, ctx.signal)
      : await ctx.services.prompt("Code from the app: ", { input: ctx.stdin, output: ctx.stderr, hidden: false });
    const code = typed.trim();
    if (!CODE.test(code)) {
      throw new UsageError(
        code === "" ? "no authenticator code was given" : "the authenticator code is not 6 digits",
        "run the setup again and enter the 6-digit code the app shows (nothing was enabled)",
      );
    }
    return code;
  };
}

/** Whether the code can be asked for: a terminal, or --code-stdin. */
export function canReadTotpCode(ctx: Pick<Context, "stdin">, codeStdin: boolean): boolean {
  return codeStdin || Boolean(ctx.stdin.isTTY);
}
