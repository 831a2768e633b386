import type { Context } from "../context.js";
import { UsageError } from "../errors.js";
import { readTextArg } from "../input.js";
import type { SourceOptions } from "./source-options.js";

export type { SourceOptions } from "./source-options.js";

/**
 * Where the SAMLResponse comes from: exactly one of a value the user already has, a forms
 * sign-in to the IdP, or a local `/saml` endpoint the browser posts to. Each backend returns
 * the form value as posted (base64); parsing and checks are the same for all.
 */
/** A SAMLResponse with dozens of roles and a signing certificate is tens of KB; 1 MiB is far above any real one. */
export const SAML_RESPONSE_BYTES = 1024 * 1024;

export type SourceKind = "saml-response" | "idp-url" | "listen";

export function pickSource(options: SourceOptions): SourceKind {
  const given: SourceKind[] = [];
  if (options.samlResponse !== undefined) given.push("saml-response");
  if (options.idpUrl !== undefined) given.push("idp-url");
  if (options.listen !== undefined) given.push("listen");
  if (given.length !== 1) {
    throw new UsageError(
      given.length === 0 ? "no SAMLResponse source given" : `give one SAMLResponse source, not ${given.map((g) => `--${g}`).join(" and ")}`,
      "pass --saml-response <base64|@file|->, --idp-url <sign-on page> or --listen 127.0.0.1:<port>",
    );
  }
  if (options.open !== undefined && given[0] !== "listen") throw new UsageError("--open works with --listen", "add --listen 127.0.0.1:<port>");
  if ((options.username !== undefined || options.passwordStdin) && given[0] !== "idp-url") {
    throw new UsageError("--username and --password-stdin are for --idp-url sign-in", "drop them, or sign in with --idp-url <url>");
  }
  if (options.mfaCode !== undefined && given[0] !== "idp-url") throw new UsageError("--mfa-code is for --idp-url sign-in", "drop it; with --listen the browser asks for the code");
  return given[0]!;
}

export async function obtainSamlResponse(options: SourceOptions, ctx: Context): Promise<string> {
  switch (pickSource(options)) {
    case "saml-response":
      return readTextArg(options.samlResponse!, "--saml-response", ctx.stdin, SAML_RESPONSE_BYTES);
    case "idp-url": {
      const { signInWithForms } = await import("./idp-forms.js");
      return signInWithForms(options, ctx);
    }
    case "listen": {
      const { receiveAtListener } = await import("./listener.js");
      return receiveAtListener(options, ctx);
    }
  }
}
