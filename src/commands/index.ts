import type { AnyCommandSpec } from "../lib/command.js";

/**
 * The manifest: every command group and command, once. `src/cli.ts` builds commander from
 * it, the spine test iterates it. A command's module (options, help, handler) is imported
 * only when that command runs, so keep this file free of imports other than types.
 */
export interface GroupEntry {
  path: readonly string[];
  summary: string;
}

export interface CommandEntry {
  path: readonly string[];
  summary: string;
  load: () => Promise<{ default: AnyCommandSpec }>;
}

export const groups: GroupEntry[] = [
  { path: ["approval"], summary: "manual approval workflow: start an execution, run the activity worker that mails links, serve the approve/reject page" },
  { path: ["cognito"], summary: "Cognito user pools: sign up, confirm, log in (SRP, MFA), cached tokens, authorized API calls" },
];

export const commands: CommandEntry[] = [
  { path: ["approve"], summary: "approve a Step Functions task: SendTaskSuccess with a JSON result", load: () => import("./approval/approve.js") },
  { path: ["reject"], summary: "reject a Step Functions task: SendTaskFailure with an error and cause", load: () => import("./approval/reject.js") },
  { path: ["heartbeat"], summary: "keep a Step Functions task alive: SendTaskHeartbeat", load: () => import("./approval/heartbeat.js") },
  { path: ["approval", "start"], summary: "start an execution of a state machine (StartExecution); prints the execution ARN", load: () => import("./approval/start.js") },
  { path: ["approval", "worker"], summary: "activity worker: long-poll GetActivityTask, then email approve/reject links by SES or print them", load: () => import("./approval/worker.js") },
  { path: ["completion"], summary: "print a shell completion script: awsblog completion bash|zsh|fish", load: () => import("./completion.js") },
  { path: ["approval", "serve"], summary: "serve the approve/reject links: GET shows a confirmation page, its button POSTs the decision", load: () => import("./approval/serve.js") },
  { path: ["cognito", "signup"], summary: "register a user with the app client (SignUp); the password is never taken from argv", load: () => import("./cognito/signup.js") },
  { path: ["cognito", "confirm"], summary: "confirm a signed-up user with the emailed/texted code (ConfirmSignUp)", load: () => import("./cognito/confirm.js") },
  { path: ["cognito", "resend-code"], summary: "send a new confirmation code (ResendConfirmationCode)", load: () => import("./cognito/resend-code.js") },
  { path: ["cognito", "login"], summary: "log in (USER_SRP_AUTH by default), answer MFA / new-password challenges, cache the tokens", load: () => import("./cognito/login.js") },
  { path: ["cognito", "token"], summary: "print a cached token (the ID token by default), refreshing it with REFRESH_TOKEN_AUTH when expired", load: () => import("./cognito/token.js") },
  { path: ["cognito", "whoami"], summary: "show the cached ID token's claims (no network call)", load: () => import("./cognito/whoami.js") },
  { path: ["cognito", "logout"], summary: "forget a cached login (--all: every one); --global also signs out everywhere (GlobalSignOut)", load: () => import("./cognito/logout.js") },
  { path: ["cognito", "call"], summary: "HTTP request with the cached ID token in Authorization (API Gateway Cognito authorizer); prints the body", load: () => import("./cognito/call.js") },
];
