import { clientSecretFlag, selectFlags } from "../../lib/cognito/flags.js";
import { currentLogin } from "../../lib/cognito/session.js";
import { checkPrint, checkSelector } from "../../lib/cognito/shared.js";
import { tokenOutput } from "../../lib/cognito/token-output.js";
import { defineCommand, opt, type OptionsOf } from "../../lib/command.js";
import type { CommandResult, Context } from "../../lib/context.js";

const flags = {
  print: opt.string("--print <token>", "print only this token: id or access (text output prints the ID token by default)", { values: ["id", "access"] }),
  ...selectFlags(),
  clientSecret: clientSecretFlag("the app client's secret, if the cached login cannot refresh without it"),
  refresh: opt.flag("--refresh", "refresh now even if the tokens are still valid"),
};

export default defineCommand({
  options: flags,
  examples: [`curl -H "Authorization: $(awsblog cognito token)" https://abc.execute-api.us-east-1.amazonaws.com/prod/`],
  run: token,
});

/** A valid token from the cache (refreshed when expired). Text output is the bare ID token. */
async function token(options: OptionsOf<typeof flags>, ctx: Context): Promise<CommandResult> {
  checkSelector(options);
  const print = checkPrint(options.print, ["id", "access"]);
  const { entry, refreshed } = await currentLogin(ctx, { ...options, forceRefresh: options.refresh });
  if (print) {
    const value = print === "access" ? entry.accessToken : entry.idToken;
    return { data: value, text: value };
  }
  return { data: { ...tokenOutput(entry, false), clientId: entry.clientId, refreshed }, text: entry.idToken };
}
