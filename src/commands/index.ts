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
];

export const commands: CommandEntry[] = [
  { path: ["approve"], summary: "approve a Step Functions task: SendTaskSuccess with a JSON result", load: () => import("./approval/approve.js") },
  { path: ["reject"], summary: "reject a Step Functions task: SendTaskFailure with an error and cause", load: () => import("./approval/reject.js") },
  { path: ["heartbeat"], summary: "keep a Step Functions task alive: SendTaskHeartbeat", load: () => import("./approval/heartbeat.js") },
  { path: ["approval", "start"], summary: "start an execution of a state machine (StartExecution); prints the execution ARN", load: () => import("./approval/start.js") },
  { path: ["approval", "worker"], summary: "activity worker: long-poll GetActivityTask, then email approve/reject links by SES or print them", load: () => import("./approval/worker.js") },
  { path: ["completion"], summary: "print a shell completion script: awsblog completion bash|zsh|fish", load: () => import("./completion.js") },
  { path: ["approval", "serve"], summary: "serve the approve/reject links: GET shows a confirmation page, its button POSTs the decision", load: () => import("./approval/serve.js") },
];
