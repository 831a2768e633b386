import type { ActionExecutionView, PipelineDefinition, StageStateView } from "../aws/codepipeline.js";
import type { BuildView } from "../aws/codebuild.js";
import type { Context } from "../context.js";
import { ONE_LINE, sanitizeForTerminal } from "../terminal.js";

/**
 * Why a run failed, without another command: each failed action's stage, name, message and
 * link, and for a CodeBuild action its build (the phase that failed) and the last lines of its
 * CloudWatch log (BatchGetBuilds → the build's log group/stream → GetLogEvents). A build or a
 * log that cannot be read is a warning: the explanation is a help, never a new way to fail.
 */
export interface FailedAction {
  stage: string;
  action: string;
  summary?: string;
  url?: string;
  build?: { id: string; status?: string; phase?: string; phaseStatus?: string; phaseMessage?: string; logLink?: string };
  logTail?: string[];
}

/** A failed action as CodePipeline reports it, before CodeBuild is asked. */
export interface FailedActionSeed {
  stage: string;
  action: string;
  summary?: string;
  url?: string;
  externalId?: string;
  provider?: string;
}

export const LOG_LINES_HELP = "lines of a failed CodeBuild action's log to show (0: none)";

const FAILED_PHASE = new Set(["FAILED", "FAULT", "TIMED_OUT", "STOPPED", "CLIENT_ERROR"]);

/** Failed actions of one execution (ListActionExecutions), in the order they ran. */
export function failedFromExecutions(actions: ActionExecutionView[]): FailedActionSeed[] {
  return [...actions]
    .filter((a) => a.status === "Failed")
    .sort((a, b) => (a.startTime?.getTime() ?? 0) - (b.startTime?.getTime() ?? 0))
    .map((a) => seedOf(a.stage, a.action, a, a.actionType?.owner === "AWS" ? a.actionType.provider : undefined));
}

/** Failed actions GetPipelineState shows (each action's latest run); the definition names their providers. */
export function failedFromState(state: StageStateView[], definition: PipelineDefinition): FailedActionSeed[] {
  const providers = new Map(definition.stages.flatMap((s) => s.actions.map((a) => [`${s.name}/${a.name}`, a.actionType.owner === "AWS" ? a.actionType.provider : undefined] as const)));
  return state.flatMap((stage) =>
    stage.actions
      .filter((a) => a.status === "Failed")
      .map((a) => seedOf(stage.name, a.name, a, providers.get(`${stage.name}/${a.name}`))),
  );
}

/** What both views of an action's run share: its message, link and external id. */
function seedOf(
  stage: string,
  action: string,
  run: { errorMessage?: string; summary?: string; externalExecutionUrl?: string; externalExecutionId?: string },
  provider: string | undefined,
): FailedActionSeed {
  return { stage, action, summary: run.errorMessage ?? run.summary, url: run.externalExecutionUrl, externalId: run.externalExecutionId, provider };
}

export async function explainFailures(ctx: Context, seeds: FailedActionSeed[], logLines: number): Promise<FailedAction[]> {
  const buildIds = [...new Set(seeds.filter((s) => s.provider === "CodeBuild" && s.externalId).map((s) => s.externalId!))].slice(0, 100);
  const builds = new Map<string, BuildView>();
  if (buildIds.length) {
    try {
      const codebuild = await ctx.services.codebuild();
      for (const build of await codebuild.batchGetBuilds(buildIds, ctx.signal)) builds.set(build.id, build);
    } catch (error) {
      ctx.out.warn(`could not read build ${buildIds.join(", ")}: ${reason(error)}`);
    }
  }
  const explained: FailedAction[] = [];
  for (const seed of seeds) {
    const found: FailedAction = {
      stage: seed.stage,
      action: seed.action,
      ...(seed.summary ? { summary: seed.summary } : {}),
      ...(seed.url ? { url: seed.url } : {}),
    };
    const build = seed.externalId ? builds.get(seed.externalId) : undefined;
    if (build) {
      const phase = build.phases.find((p) => p.status && FAILED_PHASE.has(p.status));
      found.build = {
        id: build.id,
        status: build.status,
        ...(phase ? { phase: phase.type, phaseStatus: phase.status } : {}),
        ...(phase?.message ? { phaseMessage: phase.message } : {}),
        ...(build.logLink ? { logLink: build.logLink } : {}),
      };
      if (logLines > 0) {
        const tail = await readTail(ctx, build, logLines);
        if (tail) found.logTail = tail;
      }
    }
    explained.push(found);
  }
  return explained;
}

async function readTail(ctx: Context, build: BuildView, lines: number): Promise<string[] | undefined> {
  if (!build.logGroup || !build.logStream) {
    ctx.out.warn(`build ${build.id} has no CloudWatch log stream (its project logs elsewhere, or the build never started)`);
    return undefined;
  }
  try {
    const logs = await ctx.services.logTail();
    return (await logs.tailLogStream(build.logGroup, build.logStream, lines, ctx.signal)).map((line) => line.replace(/\r?\n$/, ""));
  } catch (error) {
    ctx.out.warn(`could not read the log of build ${build.id} (${build.logGroup} ${build.logStream}): ${reason(error)}`);
    return undefined;
  }
}

function reason(error: unknown): string {
  return sanitizeForTerminal(error instanceof Error ? error.message : String(error), ONE_LINE);
}

/** The execution's page in the CodePipeline console. */
export function consoleUrl(region: string, pipeline: string, executionId: string): string {
  return `https://${region}.console.aws.amazon.com/codesuite/codepipeline/pipelines/${encodeURIComponent(pipeline)}/executions/${executionId}/timeline?region=${region}`;
}

/** The explanation as CI logs and terminals show it: one block per failed action. */
export function failureText(failed: FailedAction[], link?: string): string {
  const clean = (text: string | undefined, max = 300) => sanitizeForTerminal(text, { max, oneLine: true });
  const lines: string[] = [];
  for (const f of failed) {
    lines.push(`failed: ${clean(f.stage)}/${clean(f.action)}${f.summary ? ` — ${clean(f.summary)}` : ""}`);
    if (f.url) lines.push(`  link: ${clean(f.url, 500)}`);
    if (f.build) {
      const phase = f.build.phase ? ` failed in phase ${f.build.phase} (${f.build.phaseStatus})${f.build.phaseMessage ? `: ${clean(f.build.phaseMessage)}` : ""}` : ` ${f.build.status ?? ""}`;
      lines.push(`  build ${clean(f.build.id)}${phase}`);
    }
    if (f.logTail?.length) {
      lines.push(`  last ${f.logTail.length} log line(s):`);
      for (const l of f.logTail) lines.push(`    ${sanitizeForTerminal(l, { max: 500, oneLine: true })}`);
    }
  }
  if (link) lines.push(`console: ${link}`);
  return lines.join("\n");
}
