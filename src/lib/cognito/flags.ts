import { opt, required } from "../command.js";

/** Flags several cognito commands declare the same way. */
export const SECRET_HELP = "the app client's secret, if it has one (adds SECRET_HASH to every call; or $AWSBLOG_CLIENT_SECRET)";
export const PASSWORD_HELP = "read the password from stdin's first line (else $AWSBLOG_PASSWORD, else a no-echo prompt)";

export const clientIdFlag = () => required(opt.string("--client-id <id>", "app client id"), "pass the app client id: --client-id <id>");
export const usernameFlag = (what = "username") => required(opt.string("--username <u>", what), "pass the username: --username <u>");
export const clientSecretFlag = (help = SECRET_HELP) => opt.string("--client-secret <s>", help);

/** token, whoami, logout and call pick a cached login with these. */
export const selectFlags = () => ({
  clientId: opt.string("--client-id <id>", "pick the cached login by client id (default: the most recent login)"),
  username: opt.string("--username <u>", "pick the cached login by username (default: the most recent login)"),
});

/** A call about one user of an app client (signup-side verbs: resend-code, password forgot). */
export const clientUserFlags = () => ({ clientId: clientIdFlag(), username: usernameFlag(), clientSecret: clientSecretFlag() });
