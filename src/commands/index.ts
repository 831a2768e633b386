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
  { path: ["saml"], summary: "SAML federation: turn a corporate sign-in (AD FS forms, browser, or a SAMLResponse) into temporary AWS credentials" },
  { path: ["approval"], summary: "manual approval workflow: start an execution (and wait for it), tail its events, run the activity worker that mails links, serve the approve/reject page" },
  { path: ["cognito"], summary: "Cognito user pools: sign up, confirm, log in (SRP, MFA, hosted UI), cached tokens, authorized API calls, identity pool credentials" },
  { path: ["cognito", "password"], summary: "reset a forgotten password (forgot, confirm) or change it (change)" },
  { path: ["cognito", "mfa"], summary: "enrol an authenticator app (setup), turn MFA off, or pick the preferred kind" },
  { path: ["dlq"], summary: "Lambda dead-letter queues: inspect without losing messages, classify, fetch logs, redrive safely" },
  { path: ["pipeline"], summary: "CodePipeline: status, start and watch a run from CI, stop/retry/roll back, list approvals waiting, run a custom-action test worker" },
  { path: ["package"], summary: "zip a PHP, Go or Ruby program for Lambda (Node.js wrapper or provided.al2023 bootstrap); verify; run locally; migrate go1.x" },
  { path: ["tags"], summary: "scan and enforce EC2 tag rules from a file or the post's DynamoDB table" },
];

export const commands: CommandEntry[] = [
  { path: ["approve"], summary: "approve a Step Functions task: SendTaskSuccess with a JSON result", load: () => import("./approval/approve.js") },
  { path: ["reject"], summary: "reject a Step Functions task: SendTaskFailure with an error and cause", load: () => import("./approval/reject.js") },
  { path: ["heartbeat"], summary: "keep a Step Functions task alive: SendTaskHeartbeat", load: () => import("./approval/heartbeat.js") },
  { path: ["approval", "start"], summary: "start an execution of a state machine (StartExecution); prints the execution ARN, or with --wait its output", load: () => import("./approval/start.js") },
  { path: ["approval", "tail"], summary: "print an execution's events (GetExecutionHistory) readably or as JSON Lines; --follow until it ends", load: () => import("./approval/tail.js") },
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
  { path: ["cognito", "password", "forgot"], summary: "send a password reset code (ForgotPassword)", load: () => import("./cognito/password/forgot.js") },
  { path: ["cognito", "password", "confirm"], summary: "set a new password with the reset code (ConfirmForgotPassword); the password is never taken from argv", load: () => import("./cognito/password/confirm.js") },
  { path: ["cognito", "password", "change"], summary: "change the cached login's password (ChangePassword); neither password is taken from argv", load: () => import("./cognito/password/change.js") },
  { path: ["cognito", "mfa", "setup"], summary: "enrol an authenticator app: key URI and QR code, first code, VerifySoftwareToken, then preferred", load: () => import("./cognito/mfa/setup.js") },
  { path: ["cognito", "mfa", "off"], summary: "turn MFA off for the cached login (SetUserMFAPreference)", load: () => import("./cognito/mfa/off.js") },
  { path: ["cognito", "mfa", "prefer"], summary: "make totp or sms the MFA logins ask for (SetUserMFAPreference)", load: () => import("./cognito/mfa/prefer.js") },
  { path: ["cognito", "credentials"], summary: "AWS credentials for the cached login from an identity pool (GetId + GetCredentialsForIdentity): a profile or credential_process", load: () => import("./cognito/credentials.js") },
  { path: ["cognito", "call"], summary: "HTTP request with the cached ID token in Authorization (API Gateway Cognito authorizer); prints the body", load: () => import("./cognito/call.js") },
  { path: ["saml", "login"], summary: "exchange a SAMLResponse for AWS credentials (STS AssumeRoleWithSAML or a Cognito identity pool) and write a profile", load: () => import("./saml/login.js") },
  { path: ["saml", "roles"], summary: "show the subject, expiry and roles a SAMLResponse grants, without calling AWS", load: () => import("./saml/roles.js") },
  { path: ["saml", "exec"], summary: "run a command with a SAML profile's credentials in its environment", load: () => import("./saml/exec.js") },
  { path: ["saml", "console"], summary: "print (or --open) an AWS console sign-in link for a SAML profile's temporary credentials", load: () => import("./saml/console.js") },
  { path: ["saml", "env"], summary: "print export lines (sh, fish, PowerShell) with a SAML profile's credentials, for eval", load: () => import("./saml/env.js") },
  { path: ["saml", "logout"], summary: "forget the cached SAML credentials and IdP sessions (the next sign-in asks for the password)", load: () => import("./saml/logout.js") },
  { path: ["dlq", "inspect"], summary: "read a DLQ (or saved messages), classify each failure; never deletes, makes every message visible again", load: () => import("./dlq/inspect.js") },
  { path: ["dlq", "redrive"], summary: "move DLQ messages to a queue or replay them into a function, at least once: delete only after a confirmed send", load: () => import("./dlq/redrive.js") },
  { path: ["dlq", "purge"], summary: "delete only the DLQ messages a filter matches (--class, --older-than) after a count and a confirmation; --all --yes empties it", load: () => import("./dlq/purge.js") },
  { path: ["dlq", "tail"], summary: "show failures as they arrive in a DLQ (each once, released at once) until Ctrl-C or --for", load: () => import("./dlq/tail.js") },
  { path: ["dlq", "configure"], summary: "set or remove a function's dead-letter queue (UpdateFunctionConfiguration DeadLetterConfig)", load: () => import("./dlq/configure.js") },
  { path: ["pipeline", "status"], summary: "stages and actions of a pipeline with status and age, and the approvals waiting", load: () => import("./pipeline/status.js") },
  { path: ["pipeline", "start"], summary: "start a pipeline execution; --wait follows it to the end (exit 0 Succeeded, 1 otherwise)", load: () => import("./pipeline/start.js") },
  { path: ["pipeline", "watch"], summary: "follow a pipeline execution until it ends; says when it waits for an approval", load: () => import("./pipeline/watch.js") },
  { path: ["pipeline", "history"], summary: "recent runs: status, trigger, source revisions, start, duration, the stage a failed run stopped at", load: () => import("./pipeline/history.js") },
  { path: ["pipeline", "stop"], summary: "stop a run (running actions finish, or --abandon them)", load: () => import("./pipeline/stop.js") },
  { path: ["pipeline", "retry"], summary: "retry a failed stage (its failed actions, or --all-actions)", load: () => import("./pipeline/retry.js") },
  { path: ["pipeline", "rollback"], summary: "roll a stage back to an earlier run it succeeded in", load: () => import("./pipeline/rollback.js") },
  { path: ["pipeline", "disable"], summary: "disable a stage transition with a reason (runs wait there)", load: () => import("./pipeline/disable.js") },
  { path: ["pipeline", "enable"], summary: "enable a stage transition again", load: () => import("./pipeline/enable.js") },
  { path: ["pipeline", "approvals"], summary: "every manual approval waiting across the region's pipelines", load: () => import("./pipeline/approvals.js") },
  { path: ["pipeline", "worker"], summary: "custom-action job worker: poll, acknowledge, run a command with the job's context, report the result", load: () => import("./pipeline/worker.js") },
  { path: ["package", "php"], summary: "build a Lambda zip: a php script and its runtime plus a Node.js wrapper (php.js)", load: () => import("./package/php.js") },
  { path: ["package", "go"], summary: "build a Lambda zip: a Go binary plus a Node.js wrapper (go.js)", load: () => import("./package/go.js") },
  { path: ["package", "ruby"], summary: "build a Lambda zip: a ruby script and its runtime plus a Node.js wrapper (ruby.js)", load: () => import("./package/ruby.js") },
  { path: ["package", "migrate"], summary: "turn a go1.x function (or zip) into a provided.al2023 zip with the program as bootstrap; --deploy switches it", load: () => import("./package/migrate.js") },
  { path: ["package", "verify"], summary: "check a zip for Lambda: handler file, exec bits, CRLF shebangs, shared libraries, sizes (exit 3 with findings)", load: () => import("./package/verify.js") },
  { path: ["deploy"], summary: "create or update a Lambda function from a zip and wait until Lambda has applied it", load: () => import("./deploy/deploy.js") },
  { path: ["tags", "scan"], summary: "report instances that break the tag rules (read-only; exit 3 on violations)", load: () => import("./tags/scan.js") },
  { path: ["tags", "enforce"], summary: "fix tags per the rules, in batches; handle untagged instances per --untagged", load: () => import("./tags/enforce.js") },
  { path: ["tags", "schedule"], summary: "deploy the tag engine as a Lambda function on an EventBridge schedule (--remove undoes it)", load: () => import("./tags/schedule.js") },
  { path: ["tag-audit"], summary: "alias of `tags scan`", load: () => import("./tags/scan.js") },
];
