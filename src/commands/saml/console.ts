import { defineCommand, opt, type OptionsOf } from "../../lib/command.js";
import type { CommandResult, Context } from "../../lib/context.js";
import { openBrowser } from "../../lib/loopback.js";
import { checkFederationEndpoint, consoleLoginUrl, destinationUrl, getSigninToken, partitionFor } from "../../lib/saml/console.js";
import { loadProfileCredentials } from "../../lib/saml/profile-credentials.js";

const flags = {
  profileName: opt.stringWithDefault("--profile-name <name>", "the profile `saml login --write-profile` wrote", "saml"),
  destination: opt.string("--destination <path|url>", "the console page to land on: a path (s3/home, cloudwatch/home?region=eu-west-1) or an https URL", { defaultDescription: "the console home" }),
  open: opt.flag("--open", "open the link in the browser ($BROWSER, else xdg-open/open) instead of printing it"),
  sessionDuration: opt.int("--session-duration <s>", "console session length in seconds (900–43200; default: the federation endpoint's)", { min: 900, max: 43_200 }),
  issuer: opt.stringWithDefault("--issuer <value>", "the Issuer the console shows when the session ends", "awsblog"),
  federationEndpoint: opt.string("--federation-endpoint <url>", "the federation endpoint (default by partition: signin.aws.amazon.com, signin.amazonaws.cn, signin.amazonaws-us-gov.com)"),
};

export default defineCommand({
  options: flags,
  examples: [
    "awsblog saml console --profile-name 123456789012-ADFS-Dev --open",
    "awsblog saml console --profile-name dev --destination 'cloudwatch/home' --open",
  ],
  help: `Asks the federation endpoint for a sign-in token (getSigninToken with the profile's temporary
credentials) and prints the console sign-in URL on stdout (or opens it with --open). The link signs
anyone in who has it for 15 minutes: it only ever goes to stdout or the browser, never to --debug.
Long-term keys (no session token) are refused: the federation needs temporary credentials.
The partition (aws, aws-cn, aws-us-gov) comes from the profile's x_principal_arn, else --region.
JSON: {"profile","url","destination","expiration"}. Exit 1 when the credentials expired or the endpoint refused them.`,
  run: consoleLink,
});

async function consoleLink(options: OptionsOf<typeof flags>, ctx: Context): Promise<CommandResult<unknown>> {
  const credentials = await loadProfileCredentials(options.profileName, ctx);
  const partition = partitionFor(credentials.principalArn, ctx.globals.region);
  const request = {
    endpoint: checkFederationEndpoint(options.federationEndpoint ?? partition.federation),
    destination: destinationUrl(options.destination, partition),
    issuer: options.issuer,
    ...(options.sessionDuration !== undefined ? { sessionDuration: options.sessionDuration } : {}),
  };
  const token = await getSigninToken(credentials, request, ctx);
  const url = consoleLoginUrl(token, request);
  if (options.open) {
    openBrowser(url, ctx, { secret: true });
    const data = { profile: credentials.profile, url: null, destination: request.destination, expiration: credentials.expiration?.toISOString() ?? null };
    return { data, text: "" };
  }
  return { data: { profile: credentials.profile, url, destination: request.destination, expiration: credentials.expiration?.toISOString() ?? null }, text: url };
}
