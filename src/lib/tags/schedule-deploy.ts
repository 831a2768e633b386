import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { FunctionState, LambdaDeployApi } from "../aws/lambda-deploy.js";
import { FailureError, UsageError } from "../errors.js";
import { FILE_MODE } from "../package/limits.js";
import { defaultNodeRuntime } from "../package/runtimes.js";
import { writeZip } from "../package/zip-writer.js";

/** How `tags schedule` deploys the function (docs/tags.md says why); the runtime comes from the runtime table. */
export const FUNCTION_SETTINGS = { handler: "index.handler", memorySize: 512, timeout: 900 } as const;
export const functionSettings = (now: Date) => ({ ...FUNCTION_SETTINGS, runtime: defaultNodeRuntime(now) });
/** The EventBridge target id and the Lambda permission's statement id. */
export const TARGET_ID = "awsblog-tags";
export const statementId = (name: string) => `awsblog-tags-${name}`;
/** EventBridge limits a target's Input to 8,192 characters. */
export const MAX_INPUT_CHARS = 8192;

export function checkFunctionName(name: string | undefined): string {
  if (!name || !/^[A-Za-z0-9_-]{1,64}$/.test(name)) {
    throw new UsageError(`--name ${JSON.stringify(name ?? "")} is not a valid function and rule name`, "use 1-64 letters, digits, - and _ (e.g. --name tag-policy)");
  }
  return name;
}

/** rate(5 minutes) / rate(1 hour) / cron(0 6 * * ? *): EventBridge's schedule expressions. */
export function checkSchedule(expression: string | undefined): string {
  const rate = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression ?? "");
  if (rate) {
    const n = Number(rate[1]);
    if (n >= 1 && (n === 1) === !rate[2]!.endsWith("s")) return expression!;
  }
  if (/^cron\(\S+ \S+ \S+ \S+ \S+ \S+\)$/.test(expression ?? "")) return expression!;
  throw new UsageError(`--schedule ${JSON.stringify(expression ?? "")} is not an EventBridge schedule expression`, 'use e.g. "rate(1 day)", "rate(6 hours)" or "cron(0 6 * * ? *)"');
}

export function checkRoleArn(arn: string | undefined, flag = "--role"): string {
  const what = flag === "--role" ? "the function's execution role" : "the state machine's role";
  if (arn === undefined) throw new UsageError(`${flag} is required`, `pass ${what}, arn:aws:iam::<account>:role/<name> (docs/tags.md lists its policy)`);
  if (!/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/.test(arn)) {
    throw new UsageError(`${flag} ${JSON.stringify(arn)} is not an IAM role ARN`, `pass ${what}, arn:aws:iam::<account>:role/<name> (docs/tags.md lists its policy)`);
  }
  return arn;
}

/** The handler bundle `npm run build` wrote: next to the built CLI, or under dist/ from a checkout. */
export function handlerBundlePath(): string {
  const candidates = [new URL("./lambda/tags-handler.mjs", import.meta.url), new URL("../../../dist/lambda/tags-handler.mjs", import.meta.url)];
  for (const url of candidates) {
    const path = fileURLToPath(url);
    if (existsSync(path)) return path;
  }
  throw new FailureError("the Lambda handler bundle (dist/lambda/tags-handler.mjs) is missing", "run `npm run build` in the awsblog checkout (it bundles the tag engine with esbuild)");
}

/** Zips the bundle as index.mjs (fixed timestamps: the same bundle gives the same CodeSha256). */
export async function buildZip(out?: string): Promise<{ zip: Buffer; codeSha256: string }> {
  const content = await readFile(handlerBundlePath());
  const dir = out ? undefined : await mkdtemp(join(tmpdir(), "awsblog-tags-"));
  const path = out ?? join(dir!, "function.zip");
  try {
    const stats = await writeZip([{ archivePath: "index.mjs", mode: FILE_MODE.regular, size: content.length, source: { content } }], [], path);
    return { zip: await readFile(path), codeSha256: stats.codeSha256 };
  } finally {
    if (dir) await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Waits until Lambda accepts the next change: a new function is Pending for a while and an
 * update is InProgress; changing it meanwhile is a ResourceConflictException.
 */
export async function waitUntilReady(api: LambdaDeployApi, name: string, sleep: (ms: number, signal?: AbortSignal) => Promise<void>, signal?: AbortSignal): Promise<FunctionState> {
  for (let attempt = 0; ; attempt++) {
    const state = await api.getFunction(name, signal);
    if (!state) throw new FailureError(`function ${name} disappeared while deploying`, "run the command again");
    if (state.state === "Failed" || state.lastUpdateStatus === "Failed") {
      throw new FailureError(`function ${name} failed to deploy: ${state.stateReason ?? state.lastUpdateStatusReason ?? "no reason given"}`, "check the role and the function's log");
    }
    if (state.state !== "Pending" && state.lastUpdateStatus !== "InProgress") return state;
    if (attempt >= 60 || signal?.aborted) throw new FailureError(`function ${name} is still ${state.state === "Pending" ? "Pending" : "updating"} after 2 minutes`, "run the command again later");
    await sleep(2000, signal);
  }
}
