import { opt } from "../../lib/command.js";
import { UsageError } from "../../lib/errors.js";

/** Like opt.int, but the value is not echoed: a flag named "mfa…" may be handed a code by mistake. */
function mfaSeconds(value: string): number {
  const n = /^\d{1,4}$/.test(value.trim()) ? Number(value) : NaN;
  if (!(n >= 1 && n <= 3600)) throw new UsageError("--mfa-timeout must be a whole number of seconds from 1 to 3600", "e.g. --mfa-timeout 120");
  return n;
}

/** The SAMLResponse sources, shared by `saml login` and `saml roles`. */
export const sourceFlags = {
  samlResponse: opt.string("--saml-response <value>", "the SAMLResponse form value (base64, URL-encoded accepted), @file, or - for stdin"),
  idpUrl: opt.string("--idp-url <url>", "forms sign-in at the IdP's sign-on page (AD FS: https://<host>/adfs/ls/IdpInitiatedSignOn.aspx ?loginToRp=urn:amazon:webservices)"),
  username: opt.string("--username <user>", "user name for --idp-url (default: AWSBLOG_SAML_USERNAME)"),
  passwordStdin: opt.flag("--password-stdin", "read the IdP password from stdin's first line (else AWSBLOG_PASSWORD, else a no-echo prompt)"),
  listen: opt.string("--listen <host:port>", "receive the IdP's POST at http://<host:port>/saml on this machine (host default 127.0.0.1)"),
  open: opt.string("--open <url>", "with --listen: open this IdP sign-on page in the browser"),
  mfaCode: opt.string("--mfa-code <code|->", "with --idp-url: the one-time code if the IdP asks for one (- reads it from stdin; else AWSBLOG_MFA_CODE, else a prompt)"),
  mfaTimeout: opt.custom("--mfa-timeout <s>", "with --idp-url: seconds to wait for a push approval on the phone (default 120)", mfaSeconds, 120),
  listenTimeout: opt.int("--listen-timeout <s>", "with --listen: seconds to wait for the sign-in", { min: 1, max: 3600, defaultValue: 300 }),
};
