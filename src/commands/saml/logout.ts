import { defineCommand, type OptionsOf } from "../../lib/command.js";
import type { CommandResult, Context } from "../../lib/context.js";
import { createCredentialsCache } from "../../lib/credentials-cache.js";
import { createIdpSessions } from "../../lib/saml/idp-session.js";

const flags = {};

export default defineCommand({
  options: flags,
  examples: ["awsblog saml logout"],
  help: `Forgets every SAML sign-in this user's awsblog keeps: the cached credentials (<config dir>/credentials/saml-*.json)
and the IdP sessions (<config dir>/saml-sessions/*.json), so the next sign-in asks for the password again.
Profiles already written to the shared credentials file stay until they expire. Calls no AWS API.
JSON: {"credentialsRemoved","idpSessionsRemoved"}.`,
  run: logout,
});

export interface LogoutResult {
  credentialsRemoved: number;
  idpSessionsRemoved: number;
}

async function logout(_options: OptionsOf<typeof flags>, ctx: Context): Promise<CommandResult<LogoutResult>> {
  const credentialsRemoved = await createCredentialsCache(ctx.env, "saml").removeAll();
  const idpSessionsRemoved = await createIdpSessions(ctx.env).removeAll();
  return {
    data: { credentialsRemoved, idpSessionsRemoved },
    text: `removed ${credentialsRemoved} cached credential ${credentialsRemoved === 1 ? "entry" : "entries"} and ${idpSessionsRemoved} IdP ${idpSessionsRemoved === 1 ? "session" : "sessions"}`,
  };
}
