import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CodeSource, FunctionSettings, FunctionState, LambdaDeployApi } from "../aws/lambda-deploy.js";
import type { CommandResult, Context } from "../context.js";
import { AwsError, FailureError, InterruptedError, UsageError } from "../errors.js";
import { changedSettings, formatDeploy, validateDeployOptions, type DeployOptions, type ValidDeployOptions, type DeployResult } from "./deploy-settings.js";
import { publishLayerOnce, stageCode, withLayer, type StagedCode } from "./deploy-code.js";
import { splitForLayer } from "./layer-split.js";
import { LAMBDA_LIMITS, humanSize } from "./limits.js";
import { defaultNodeRuntime, judgeRuntime, newestRuntime, type RuntimeVerdict } from "./runtimes.js";
import { handlerFileMissing, inspectZip, wrapperHandler, type Finding, type VerifyReport } from "./verify.js";

/** How long to wait for Lambda to finish an update. */
const SETTLE_MS = 300_000;

/** `awsblog deploy`: checks the zip, then creates or updates the function and waits for Lambda. */
export async function deploy(given: DeployOptions, ctx: Context): Promise<CommandResult<DeployResult>> {
  validateDeployOptions(given);
  const options: ValidDeployOptions = given;
  const size = await stat(options.zip).then((s) => s.size, () => -1);
  if (size < 0) throw new UsageError(`--zip ${options.zip}: not found`, "build one with awsblog package");
  if (size > LAMBDA_LIMITS.zippedBytes && !options.s3Bucket && !options.layer) {
    throw new UsageError(`--zip ${options.zip} is ${humanSize(size)}: above the 50 MB direct-upload limit`, "pass --s3-bucket <bucket> to deploy it through S3, or --layer <name> to ship the runtime as a layer");
  }
  const work = options.layer ? await mkdtemp(join(tmpdir(), "awsblog-deploy-")) : undefined;
  try {
    return await deployZip(options, ctx, work);
  } finally {
    if (work) await rm(work, { recursive: true, force: true });
  }
}

async function deployZip(options: ValidDeployOptions, ctx: Context, work: string | undefined): Promise<CommandResult<DeployResult>> {
  const { report, paths } = await inspectZip(options.zip);
  const layout = report.bootstrap && !report.wrapper ? "provided" : "nodejs";

  const now = ctx.now();
  if (options.runtime && !options.runtime.startsWith(layout)) {
    throw new UsageError(`--runtime ${options.runtime}: the zip ${layout === "nodejs" ? "holds the Node.js wrapper" : "has a bootstrap (provided.al2023 layout)"}`, `pass --runtime ${defaultRuntime(layout, now)}, or leave it out`);
  }
  // A runtime asked for is judged before any AWS call: creating on it, or switching to it.
  if (options.runtime) refuseOrWarn(judgeRuntime(options.runtime, "create", now), `--runtime ${options.runtime}`, ctx);
  // The runtime tree is split off before any AWS call: a zip that cannot be split changes nothing.
  const split = options.layer && work ? await splitForLayer(options.zip, report, work) : undefined;
  const lambda = await ctx.services.lambdaDeploy();
  const wait = (name: string) => waitUntilSettled(lambda, name, ctx);
  const existing = await lambda.getFunction(options.functionName, ctx.signal);
  // The zip's own wrapper names the handler (a bootstrap zip: "bootstrap"); an explicit --handler wins.
  const handler = options.handler ?? wrapperHandler(report) ?? (report.bootstrap ? "bootstrap" : undefined) ?? existing?.handler;
  refuseBrokenZip(options, report, handler && !report.bootstrap ? handlerFileMissing(handler, paths) : undefined);
  const architecture = report.wrapper?.architecture ?? report.bootstrap?.architecture;
  if (!existing && !options.role) throw new UsageError(`function ${options.functionName} does not exist and --role was not given`, "pass --role <execution-role-arn> to create it");
  if (!existing && !handler) throw new UsageError("--handler is needed: the zip has no awsblog wrapper to take it from", "pass --handler <file>.<export>");
  if (existing?.packageType === "Image") throw new UsageError(`function ${options.functionName} is a container image function`, "deploy zips to a Zip function, or create a new one");
  const runtime = options.runtime ?? existing?.runtime ?? defaultRuntime(layout, now);
  if (existing && !runtime.startsWith(layout)) {
    const needs = layout === "nodejs" ? "the awsblog wrapper needs Node.js" : "a bootstrap zip needs an OS-only runtime";
    throw new UsageError(`function ${options.functionName} runs ${runtime}, but ${needs}`, `pass --runtime ${defaultRuntime(layout, now)}${layout === "provided" ? " (runtime, handler and architecture switch in this deploy)" : ""}`);
  }
  if (existing) checkExistingRuntime(options, existing, now, ctx);

  const layer = split && options.layer
    ? await publishLayerOnce(lambda, split, { name: options.layer, runtime, architecture: architecture ?? "x86_64", s3Bucket: options.s3Bucket, functionName: options.functionName }, ctx)
    : undefined;
  const codePath = split ? split.function.path : options.zip;
  const staged: StagedCode = await stageCode(codePath, { s3Bucket: options.s3Bucket, s3Key: options.s3Key, functionName: options.functionName }, ctx);
  const code: CodeSource = staged.source;
  const layers = layer ? withLayer(existing?.layers ?? [], layer.versionArn) : undefined;

  let final!: FunctionState;
  let changed: string[] = [];
  if (!existing) {
    ctx.out.info(`creating ${options.functionName} (${runtime}, ${handler})`);
    const settings = { runtime, handler: handler as string, role: options.role as string, memorySize: options.memory, timeout: options.timeout, architecture, layers };
    const created = await lambda.createFunction(options.functionName, code, settings, ctx.signal);
    final = await wait(created.functionName || options.functionName);
  } else {
    const wanted: FunctionSettings = { runtime: options.runtime, handler, role: options.role, memorySize: options.memory, timeout: options.timeout };
    const { settings, names } = changedSettings(existing, wanted);
    if (layers && layers.join(",") !== (existing.layers ?? []).join(",")) {
      settings.layers = layers;
      names.push("layers");
    }
    changed = names;
    await wait(options.functionName);
    // Lambda defaults to x86_64; an arm64 binary on it fails with "exec format error".
    const switchArchitecture = architecture && architecture !== (existing.architecture ?? "x86_64") ? architecture : undefined;
    const updateCode = async () => {
      ctx.out.info(`updating code of ${options.functionName}${switchArchitecture ? ` (architecture ${switchArchitecture})` : ""}`);
      await retryOnConflict(() => lambda.updateCode(options.functionName, code, switchArchitecture, ctx.signal), () => wait(options.functionName));
      final = await wait(options.functionName);
    };
    const updateConfiguration = async () => {
      if (names.length === 0) return;
      ctx.out.info(`updating configuration: ${names.join(", ")}`);
      await retryOnConflict(() => lambda.updateConfiguration(options.functionName, settings, ctx.signal), () => wait(options.functionName));
      final = await wait(options.functionName);
    };
    // A new runtime goes first: Lambda refuses a code update while the function is still on a
    // runtime whose updates are blocked, and the new runtime is what the code is meant for.
    // New layers go with it: the new code looks for its runtime in them.
    const first = names.includes("runtime") || names.includes("layers");
    if (first) await updateConfiguration();
    await updateCode();
    if (!first) await updateConfiguration();
    if (switchArchitecture) changed = ["architecture", ...changed];
  }
  if (final.codeSha256 && final.codeSha256 !== staged.codeSha256) {
    ctx.out.warn(`Lambda reports CodeSha256 ${final.codeSha256}, the zip's is ${staged.codeSha256}: another deploy may have raced this one`);
  }
  const data: DeployResult = {
    functionName: final.functionName || options.functionName,
    functionArn: final.functionArn,
    action: existing ? "updated" : "created",
    codeSha256: final.codeSha256 ?? staged.codeSha256,
    configurationChanged: changed,
    runtime: final.runtime,
    handler: final.handler,
    architecture: final.architecture,
    state: final.state,
    lastUpdateStatus: final.lastUpdateStatus,
    ...(staged.s3 ? { s3: staged.s3 } : {}),
    ...(layer ? { layer } : {}),
  };
  return { data, text: formatDeploy(data) };
}

function defaultRuntime(layout: "nodejs" | "provided", now: Date): string {
  return layout === "nodejs" ? defaultNodeRuntime(now) : (newestRuntime("provided", now)?.id ?? "provided.al2023");
}

/** The function stays on its runtime unless --runtime moves it: warn when deprecated, refuse when blocked. */
function checkExistingRuntime(options: ValidDeployOptions, existing: FunctionState, now: Date, ctx: Context): void {
  if (!existing.runtime || (options.runtime && options.runtime !== existing.runtime)) return;
  refuseOrWarn(judgeRuntime(existing.runtime, "update", now), `function ${options.functionName} runs ${existing.runtime}`, ctx);
}

function refuseOrWarn(verdict: RuntimeVerdict | undefined, subject: string, ctx: Context): void {
  if (!verdict) return;
  if (verdict.blocked) throw new UsageError(`${subject}: ${verdict.message}`, `${verdict.instead ?? "pass a supported runtime"} (nothing was changed)`);
  if (verdict.warning) ctx.out.warn(`${subject}: ${verdict.warning}`);
}

/** Someone else's update may start between our wait and our call: wait again, retry twice. */
async function retryOnConflict<T>(call: () => Promise<T>, settle: () => Promise<unknown>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (!(error instanceof AwsError && error.code === "ResourceConflictException") || attempt >= 3) throw error;
      await settle();
    }
  }
}

/** Deploying a zip that cannot run only moves the failure to the first invocation. */
function refuseBrokenZip(options: ValidDeployOptions, report: VerifyReport, handlerMissing: Finding | undefined): void {
  if (options.verify === false) return;
  const findings = [...report.findings.filter((f) => f.code !== "no-handler-file"), ...(handlerMissing ? [handlerMissing] : [])];
  const first = findings[0];
  if (!first) return;
  const more = findings.length > 1 ? ` (and ${findings.length - 1} more)` : "";
  throw new UsageError(`--zip ${options.zip}: ${first.path ? `${first.path}: ` : ""}${first.message}${more}`, `see awsblog package verify ${options.zip}; --no-verify deploys anyway`);
}

/**
 * Lambda applies creates and updates asynchronously; a second update while one is in
 * progress fails with ResourceConflictException, and invoking a Pending function fails.
 */
async function waitUntilSettled(lambda: LambdaDeployApi, name: string, ctx: Context): Promise<FunctionState> {
  const deadline = Date.now() + SETTLE_MS;
  for (let delay = 1000; ; delay = Math.min(delay * 2, 5000)) {
    if (ctx.signal.aborted) throw new InterruptedError("interrupted while waiting for Lambda", `Lambda keeps applying the change; check with: aws lambda get-function-configuration --function-name ${name}`);
    const state = await lambda.getFunction(name, ctx.signal);
    if (!state) throw new FailureError(`function ${name} disappeared while deploying`, "someone deleted it; run deploy again");
    if (state.state === "Failed") throw new FailureError(`function ${name} failed to become active: ${state.stateReason ?? "no reason given"}`, "fix the cause and deploy again");
    if (state.lastUpdateStatus === "Failed") throw new FailureError(`update of ${name} failed: ${state.lastUpdateStatusReason ?? "no reason given"}`, "fix the cause and deploy again");
    const busy = state.state === "Pending" || state.lastUpdateStatus === "InProgress";
    if (!busy) return state;
    if (Date.now() > deadline) throw new FailureError(`function ${name} is still ${state.state === "Pending" ? "Pending" : "updating"} after 5 minutes`, "check the function in the Lambda console");
    await ctx.services.sleep(delay, ctx.signal);
  }
}
