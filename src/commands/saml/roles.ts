import { defineCommand, type OptionsOf } from "../../lib/command.js";
import type { CommandResult, Context } from "../../lib/context.js";
import { parseSamlResponse } from "../../lib/saml/assertion.js";
import type { SamlRole } from "../../lib/saml/roles.js";
import { obtainSamlResponse } from "../../lib/saml/sources.js";
import { clipValue } from "../../lib/terminal.js";
import { sourceFlags } from "./_shared.js";

const flags = { ...sourceFlags };

export default defineCommand({
  options: flags,
  examples: [
    "awsblog saml roles --saml-response @response.b64",
    `awsblog saml roles --idp-url "$ADFS_URL" --username 'EXAMPLE\\jane'`,
  ],
  help: `$ADFS_URL in the examples: the IdP's sign-on page; for AD FS:
https://<host>/adfs/ls/IdpInitiatedSignOn.aspx?loginToRp=urn:amazon:webservices
Shows what the assertion grants; calls no AWS API. JSON: {"subject","issuer","notOnOrAfter","sessionDuration","roles":[{"roleArn","principalArn","accountId","roleName"}]}.
Exit 2 when the SAMLResponse is not a SAML 2.0 Response, not Success, or expired.`,
  run: roles,
});

export interface RolesResult {
  subject: string | null;
  issuer: string | null;
  notOnOrAfter: string | null;
  sessionDuration: number | null;
  roles: SamlRole[];
}

async function roles(options: OptionsOf<typeof flags>, ctx: Context): Promise<CommandResult<RolesResult>> {
  const response = await obtainSamlResponse(options, ctx);
  const assertion = parseSamlResponse(response, ctx.now());
  const data: RolesResult = {
    subject: assertion.subject ?? null,
    issuer: assertion.issuer ?? null,
    notOnOrAfter: assertion.notOnOrAfter?.toISOString() ?? null,
    sessionDuration: assertion.sessionDuration ?? null,
    roles: assertion.roles,
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
  const rows = data.roles.map((r) => `${r.accountId}  ${r.roleName.padEnd(24)}  ${r.roleArn}  via ${r.principalArn}`);
  return [...head, "", `ACCOUNT       ROLE${" ".repeat(22)}ROLE ARN`, ...rows].join("\n");
}
