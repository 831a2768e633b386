import type { Command } from "commander";
import { collect, positiveInt } from "../../lib/input.js";
import { action } from "../legacy.js";

const PASSWORD_HELP = "read the password from stdin's first line (else $AWSBLOG_PASSWORD, else a no-echo prompt)";
const SECRET_HELP = "the app client's secret, if it has one (adds SECRET_HASH to every call; or $AWSBLOG_CLIENT_SECRET)";
const SELECT_HELP = "pick the cached login by client id (default: the most recent login)";
const USER_HELP = "pick the cached login by username (default: the most recent login)";

export function register(program: Command): void {
  const cognito = program
    .command("cognito")
    .description("Cognito user pools: sign up, confirm, log in (SRP, MFA), cached tokens, authorized API calls");

  cognito
    .command("signup")
    .description("register a user with the app client (SignUp); the password is never taken from argv")
    .requiredOption("--client-id <id>", "app client id")
    .requiredOption("--username <u>", "username (or email, in email-as-username pools)")
    .option("--attribute <Name=Value>", "user attribute, repeatable (email, given_name, phone_number …)", collect, [])
    .option("--client-secret <s>", SECRET_HELP)
    .option("--password-stdin", PASSWORD_HELP)
    .addHelpText("after", `\nExample:\n  $ awsblog cognito signup --client-id "$CLIENT_ID" --username jdoe --attribute email=jdoe@example.com --attribute given_name=John`)
    .action(action(async () => {
      const { signup } = await import("./signup.js");
      return (options: Parameters<typeof signup>[0], ctx) => signup(options, ctx);
    }));

  cognito
    .command("confirm")
    .description("confirm a signed-up user with the emailed/texted code (ConfirmSignUp)")
    .requiredOption("--client-id <id>", "app client id")
    .requiredOption("--username <u>", "username")
    .requiredOption("--code <c>", "confirmation code")
    .option("--client-secret <s>", SECRET_HELP)
    .addHelpText("after", `\nExample:\n  $ awsblog cognito confirm --client-id "$CLIENT_ID" --username jdoe --code 123456`)
    .action(action(async () => {
      const { confirm } = await import("./signup.js");
      return (options: Parameters<typeof confirm>[0], ctx) => confirm(options, ctx);
    }));

  cognito
    .command("resend-code")
    .description("send a new confirmation code (ResendConfirmationCode)")
    .requiredOption("--client-id <id>", "app client id")
    .requiredOption("--username <u>", "username")
    .option("--client-secret <s>", SECRET_HELP)
    .addHelpText("after", `\nExample:\n  $ awsblog cognito resend-code --client-id "$CLIENT_ID" --username jdoe`)
    .action(action(async () => {
      const { resendCode } = await import("./signup.js");
      return (options: Parameters<typeof resendCode>[0], ctx) => resendCode(options, ctx);
    }));

  cognito
    .command("login")
    .description("log in (USER_SRP_AUTH by default), answer MFA / new-password challenges, cache the tokens")
    .requiredOption("--client-id <id>", "app client id")
    .requiredOption("--username <u>", "username")
    .option("--user-pool-id <id>", "user pool id, e.g. us-east-1_AbC123 (needed for SRP; its prefix gives the region)")
    .option("--flow <flow>", "srp (USER_SRP_AUTH) or password (USER_PASSWORD_AUTH)", "srp")
    .option("--mfa-code <c>", "SMS or authenticator code, if Cognito asks (else a prompt)")
    .option("--client-secret <s>", SECRET_HELP)
    .option("--print <token>", "print only this token: id, access or refresh")
    .option("--password-stdin", PASSWORD_HELP)
    .option("--new-password-stdin", "for NEW_PASSWORD_REQUIRED: read the new password from stdin (line 2 with --password-stdin); else $AWSBLOG_NEW_PASSWORD or a prompt")
    .addHelpText(
      "after",
      `\nTokens are cached (files 0600) in $AWSBLOG_CONFIG_DIR, else $XDG_CONFIG_HOME/awsblog, else ~/.config/awsblog.
-o json prints {idToken, accessToken, refreshToken, expiresAt, username}.

Example:
  $ awsblog cognito login --client-id "$CLIENT_ID" --username jdoe --user-pool-id us-east-1_AbC123
  $ printf '%s\\n' "$PW" | awsblog cognito login --client-id "$CLIENT_ID" --username jdoe --flow password --password-stdin --print id`,
    )
    .action(action(async () => {
      const { login } = await import("./login.js");
      return (options: Parameters<typeof login>[0], ctx) => login(options, ctx);
    }));

  cognito
    .command("token")
    .description("print a cached token (the ID token by default), refreshing it with REFRESH_TOKEN_AUTH when expired")
    .option("--print <token>", "print only this token: id or access (text output prints the ID token by default)")
    .option("--client-id <id>", SELECT_HELP)
    .option("--username <u>", USER_HELP)
    .option("--client-secret <s>", "the app client's secret, if the cached login cannot refresh without it")
    .option("--refresh", "refresh now even if the tokens are still valid")
    .addHelpText("after", `\nExample:\n  $ curl -H "Authorization: $(awsblog cognito token)" https://abc.execute-api.us-east-1.amazonaws.com/prod/`)
    .action(action(async () => {
      const { token } = await import("./token.js");
      return (options: Parameters<typeof token>[0], ctx) => token(options, ctx);
    }));

  cognito
    .command("whoami")
    .description("show the cached ID token's claims (no network call)")
    .option("--client-id <id>", SELECT_HELP)
    .option("--username <u>", USER_HELP)
    .addHelpText("after", `\nExample:\n  $ awsblog cognito whoami -o json | jq .claims.email`)
    .action(action(async () => {
      const { whoami } = await import("./token.js");
      return (options: Parameters<typeof whoami>[0], ctx) => whoami(options, ctx);
    }));

  cognito
    .command("logout")
    .description("forget a cached login (--all: every one); --global also signs out everywhere (GlobalSignOut)")
    .option("--client-id <id>", SELECT_HELP)
    .option("--username <u>", USER_HELP)
    .option("--all", "forget every cached login")
    .option("--global", "also revoke the user's tokens on every device (GlobalSignOut)")
    .option("--client-secret <s>", "the app client's secret, if an expired login must be refreshed for --global")
    .addHelpText("after", `\nExample:\n  $ awsblog cognito logout --global`)
    .action(action(async () => {
      const { logout } = await import("./logout.js");
      return (options: Parameters<typeof logout>[0], ctx) => logout(options, ctx);
    }));

  cognito
    .command("call")
    .description("HTTP request with the cached ID token in Authorization (API Gateway Cognito authorizer); prints the body")
    .argument("<url>", "http(s) URL of the API")
    .option("-X, --request <method>", "HTTP method (default GET, or POST with -d)")
    .option("-d, --data <body>", "request body: text, @file, or - for stdin (Content-Type defaults to application/json)")
    .option("-H, --header <'K: V'>", "extra header, repeatable", collect, [])
    .option("--client-id <id>", SELECT_HELP)
    .option("--username <u>", USER_HELP)
    .option("--client-secret <s>", "the app client's secret, if an expired login must be refreshed")
    .option("--timeout <seconds>", "give up after this many seconds", positiveInt("--timeout", { max: 3600 }), 60)
    .addHelpText(
      "after",
      `\nExits 1 on HTTP status 400 or above (status on stderr, body on stdout).

Example:
  $ awsblog cognito call https://abc.execute-api.us-east-1.amazonaws.com/prod/ -X POST -d '{"hello":"world"}'`,
    )
    .action(action(async () => {
      const { call } = await import("./call.js");
      return (options: Parameters<typeof call>[0], ctx, args) => call(options, ctx, args);
    }));
}
