import type { CodeDelivery } from "../../lib/aws/cognito.js";
import { maybeSecretHash } from "../../lib/cognito/secret-hash.js";
import type { CommandResult, Context } from "../../lib/context.js";
import { clientSecretOf, cognitoApi, explained, parseAttributes, secretInput, type CognitoDeps } from "./shared.js";

/** signup, confirm and resend-code: registering a user with the app client's public API. */
export interface SignupOptions {
  clientId: string;
  username: string;
  attribute?: string[];
  clientSecret?: string;
  passwordStdin?: boolean;
}

export interface SignupResult {
  username: string;
  userConfirmed: boolean;
  userSub?: string;
  codeDelivery?: CodeDelivery;
}

export async function signup(options: SignupOptions, ctx: Context, deps: CognitoDeps = {}): Promise<CommandResult<SignupResult>> {
  const attributes = parseAttributes(options.attribute);
  const password = await secretInput(ctx, deps, options).accountPassword();
  const api = await cognitoApi(ctx, deps);
  const out = await explained(
    () =>
      api.signUp({
        clientId: options.clientId,
        username: options.username,
        password,
        attributes,
        secretHash: maybeSecretHash(clientSecretOf(options, ctx), options.username, options.clientId),
      }),
    { username: options.username, hasSecret: Boolean(clientSecretOf(options, ctx)) },
  );
  const data: SignupResult = { username: options.username, userConfirmed: out.userConfirmed, userSub: out.userSub, codeDelivery: out.delivery };
  const next = out.userConfirmed
    ? "already confirmed: log in with awsblog cognito login"
    : `confirm with: awsblog cognito confirm --client-id ${options.clientId} --username ${options.username} --code <code>${deliveryText(out.delivery)}`;
  return { data, text: `signed up ${options.username}${out.userSub ? ` (sub ${out.userSub})` : ""}; ${next}` };
}

export interface ConfirmOptions {
  clientId: string;
  username: string;
  code: string;
  clientSecret?: string;
}

export async function confirm(options: ConfirmOptions, ctx: Context, deps: CognitoDeps = {}): Promise<CommandResult> {
  const api = await cognitoApi(ctx, deps);
  await explained(
    () =>
      api.confirmSignUp({
        clientId: options.clientId,
        username: options.username,
        code: options.code.trim(),
        secretHash: maybeSecretHash(clientSecretOf(options, ctx), options.username, options.clientId),
      }),
    { username: options.username, hasSecret: Boolean(clientSecretOf(options, ctx)) },
  );
  return { data: { username: options.username, confirmed: true }, text: `confirmed ${options.username}: log in with awsblog cognito login` };
}

export interface ResendOptions {
  clientId: string;
  username: string;
  clientSecret?: string;
}

export async function resendCode(options: ResendOptions, ctx: Context, deps: CognitoDeps = {}): Promise<CommandResult> {
  const api = await cognitoApi(ctx, deps);
  const delivery = await explained(
    () =>
      api.resendConfirmationCode({
        clientId: options.clientId,
        username: options.username,
        secretHash: maybeSecretHash(clientSecretOf(options, ctx), options.username, options.clientId),
      }),
    { username: options.username, hasSecret: Boolean(clientSecretOf(options, ctx)) },
  );
  return { data: { username: options.username, codeDelivery: delivery }, text: `a new confirmation code is on its way${deliveryText(delivery)}` };
}

function deliveryText(delivery: CodeDelivery | undefined): string {
  if (!delivery?.destination) return "";
  return ` (code sent by ${delivery.deliveryMedium ?? "message"} to ${delivery.destination})`;
}
