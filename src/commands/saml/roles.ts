import { defineCommand, type OptionsOf } from "../../lib/command.js";
import type { CommandResult, Context } from "../../lib/context.js";
import { parseSamlResponse } from "../../lib/saml/assertion.js";
import type { SamlRole } from "../../lib/saml/roles.js";
import { obtainSamlResponse } from "../../lib/saml/sources.js";
import { clipValue } from "../../lib/terminal.js";
import { accountFlag, sourceFlags } from "./_shared.js";
import { accountChoice, narrowToAccount, withAlias } from "../../lib/saml/accounts.js";

const flags = { ...sourceFlags, ...accountFlag };

export default defineCommand({
  options: flags,
  examples: [
    "awsblog saml roles --saml-response @response.b64",
    "awsblog saml roles --saml-response @response.b64 --account payments",
    `awsblog saml roles --idp-url "$ADFS_URL" --username 'EXAMPLE\\jane'`,
  ],
  help: `$ADFS_URL in the examples: the IdP's sign-on page; for AD FS:
https://<host>/adfs/ls/IdpInitiatedSignOn.aspx?loginToRp=urn:amazon:webservices
Shows what the assertion grants; calls no AWS API. JSON: {"subject","issuer","notOnOrAfter","sessionDuration","roles":[{"roleArn","principalArn","accountId","roleName","accountAlias"}]}.
accountAlias: the account's name from [saml-accounts] in the AWS config file (123456789012 = payments), else null.
Exit 2 when the SAMLResponse is not a SAML 2.0 Response, not Success, or expired.`,
  run: roles,
});

export interface RolesResult {
  subject: string | null;
  issuer: string | null;
  notOnOrAfter: string | null;
  sessionDuration: number | null;
  roles: (SamlRole & { accountAlias: string | null })[];
}

async function roles(options: OptionsOf<typeof flags>, ctx: Context): Promise<CommandResult<RolesResult>> {
  const accounts = await accountChoice(options.account, ctx.env);
  const response = await obtainSamlResponse(options, ctx);
  const assertion = narrowToAccount(parseSamlResponse(response, ctx.now()), accounts.accountId, accounts.aliases);
  const data: RolesResult = {
    subject: assertion.subject ?? null,
    issuer: assertion.issuer ?? null,
    notOnOrAfter: assertion.notOnOrAfter?.toISOString() ?? null,
    sessionDuration: assertion.sessionDuration ?? null,
    roles: assertion.roles.map((r) => withAlias(r, accounts.aliases)),
  };
  return { data, text: render(data) };
}

function render(data: RolesResult): string {
  const head = [
    `subject:  ${clipValue(data.subject ?? "-", 200)}`,
    `issuer:   ${clipValue(data.issuer ?? "-", 200)}`,
    `expires:  ${data.notOnOrAfter ?? "-"}`,
    `max session: ${data.sessionDuration ? `${data.sessionDuration} s (SessionDuration)` : "not set (3600 s by default)"}`,
  ];
  const accounts = data.roles.map((r) => (r.accountAlias ? `${r.accountId} (${r.accountAlias})` : r.accountId));
  const width = Math.max(12, ...accounts.map((a) => a.length));
  const rows = data.roles.map((r, i) => `${accounts[i]!.padEnd(width)}  ${r.roleName.padEnd(24)}  ${r.roleArn}  via ${r.principalArn}`);
  return [...head, "", `${"ACCOUNT".padEnd(width)}  ROLE${" ".repeat(22)}ROLE ARN`, ...rows].join("\n");
}
