import type { TemporaryCredentials } from "../aws/sts-saml.js";
import { createSecretInput } from "../cognito/secret-input.js";
import type { Context } from "../context.js";
import { UsageError } from "../errors.js";
import { parseSamlResponse } from "./assertion.js";
import { narrowToAccount } from "./accounts.js";
import { assumeWithSaml, DEFAULT_DURATION } from "./exchange.js";
import { chooseRoles, severalRolesError, type RoleChoice, type SamlRole } from "./roles.js";
import { obtainSamlResponse, type SourceOptions } from "./sources.js";
import { openTerminal } from "./terminal.js";

/**
 * A sign-in that can be repeated without the user: the IdP forms sign-in with a user name and
 * password gathered once, one role, STS AssumeRoleWithSAML. `saml exec --refresh` runs it again
 * whenever the credentials it serves near their end.
 */
export interface RepeatableSignIn {
  role: SamlRole;
  /** Signs in again and returns fresh credentials for the same role. */
  renew(): Promise<TemporaryCredentials>;
}

export interface RepeatableOptions extends RoleChoice {
  idpUrl: string;
  username?: string;
  passwordStdin?: boolean;
  duration?: number;
  /** --account, resolved: only that account's roles count. */
  accountId?: string;
  aliases?: Map<string, string>;
}

export async function startRepeatableSignIn(options: RepeatableOptions, ctx: Context): Promise<{ signIn: RepeatableSignIn; first: TemporaryCredentials }> {
  const terminal = options.passwordStdin ? undefined : openTerminal(ctx, false);
  let username: string;
  let password: string;
  try {
    username = options.username ?? ctx.env.AWSBLOG_SAML_USERNAME ?? (terminal ? (await ctx.services.prompt("Username: ", { input: terminal.input, output: terminal.output, hidden: false })).trim() : "");
    if (username.trim() === "") throw new UsageError("no user name given for --idp-url", "pass --username <user> or set AWSBLOG_SAML_USERNAME");
    password = await createSecretInput({
      passwordStdin: options.passwordStdin,
      env: ctx.env,
      stdin: terminal?.input ?? ctx.stdin,
      prompt: terminal && ((question, hidden) => ctx.services.prompt(question, { input: terminal.input, output: terminal.output, hidden })),
    }).password();
  } finally {
    terminal?.close();
  }
  // Each sign-in reads the password from this run's own copy of the environment; the process's is untouched.
  const signInCtx: Context = { ...ctx, env: { ...ctx.env, AWSBLOG_PASSWORD: password } };
  const source: SourceOptions = { idpUrl: options.idpUrl, username };

  const assertionFor = async () => narrowToAccount(parseSamlResponse(await obtainSamlResponse(source, signInCtx), ctx.now()), options.accountId, options.aliases ?? new Map());
  const firstAssertion = await assertionFor();
  const chosen = chooseRoles(firstAssertion.roles, options);
  if (!chosen) throw severalRolesError(firstAssertion.roles);
  if (chosen.length !== 1) throw new UsageError("--refresh serves one role's credentials", "choose one role with --role-arn or --role");
  const role = chosen[0]!;
  const exchange = async (assertion: Awaited<ReturnType<typeof assertionFor>>) => {
    const sts = await ctx.services.samlSts();
    return (await assumeWithSaml(sts, role, assertion.base64, options.duration ?? assertion.sessionDuration ?? DEFAULT_DURATION)).credentials;
  };
  const first = await exchange(firstAssertion);
  return {
    first,
    signIn: {
      role,
      async renew() {
        const assertion = await assertionFor();
        if (!assertion.roles.some((r) => r.roleArn === role.roleArn)) {
          throw new UsageError(`the IdP no longer grants ${role.roleArn}`, "sign in again and choose another role");
        }
        return exchange(assertion);
      },
    },
  };
}
