import type { ActionExecutionView, CodePipelineApi, PipelineDefinition, StageStateView } from "../aws/codepipeline.js";

/**
 * Finding the manual approvals that wait in a pipeline, with the token to answer each.
 *
 * Stale tokens: GetPipelineState shows each action's latest execution, which can still be the
 * approval of an execution that has since been superseded or stopped while a newer execution
 * runs in the stage. An approval only counts when ListActionExecutions for the stage's latest
 * pipeline execution contains that very action execution, still InProgress.
 *
 * PARALLEL mode: GetPipelineState carries no tokens (several executions run at once); the
 * token is ListActionExecutions' externalExecutionId of each in-progress execution's approval.
 */
export interface WaitingApproval {
  pipeline: string;
  stage: string;
  action: string;
  executionId: string;
  token: string;
  since?: Date;
  customData?: string;
  externalEntityLink?: string;
}

export interface StaleApproval {
  stage: string;
  action: string;
  /** The execution the stage has moved on to. */
  latestExecutionId?: string;
}

export interface ApprovalScan {
  waiting: WaitingApproval[];
  stale: StaleApproval[];
}

const isApproval = (category: string | undefined) => category === "Approval";

export async function findWaitingApprovals(
  api: CodePipelineApi,
  pipeline: string,
  known?: { state?: StageStateView[]; definition?: PipelineDefinition },
): Promise<ApprovalScan> {
  const definition = known?.definition ?? (await api.getPipeline(pipeline));
  const config = approvalConfig(definition);
  if (config.size === 0) return { waiting: [], stale: [] };
  if (definition.executionMode === "PARALLEL") return { waiting: await parallelApprovals(api, pipeline, config), stale: [] };

  const state = known?.state ?? (await api.getPipelineState(pipeline));
  const byExecution = new Map<string, Promise<ActionExecutionView[]>>();
  const actionsOf = (executionId: string) => {
    let found = byExecution.get(executionId);
    if (!found) byExecution.set(executionId, (found = api.listActionExecutions(pipeline, executionId)));
    return found;
  };
  const scan: ApprovalScan = { waiting: [], stale: [] };
  for (const stage of state) {
    for (const action of stage.actions) {
      const cfg = config.get(`${stage.name}/${action.name}`);
      if (!cfg || action.status !== "InProgress" || !action.token) continue;
      const current = stage.executionId
        ? (await actionsOf(stage.executionId)).find(
            (a) =>
              a.stage === stage.name &&
              a.action === action.name &&
              a.status === "InProgress" &&
              (!action.actionExecutionId || a.actionExecutionId === action.actionExecutionId),
          )
        : undefined;
      if (!current || !stage.executionId) {
        scan.stale.push({ stage: stage.name, action: action.name, latestExecutionId: stage.executionId });
        continue;
      }
      scan.waiting.push({
        pipeline,
        stage: stage.name,
        action: action.name,
        executionId: stage.executionId,
        token: action.token,
        since: current.startTime ?? action.lastStatusChange,
        ...cfg,
      });
    }
  }
  return scan;
}

async function parallelApprovals(api: CodePipelineApi, pipeline: string, config: Map<string, ApprovalConfig>): Promise<WaitingApproval[]> {
  const running = (await api.listPipelineExecutions(pipeline, 100)).filter((e) => e.status === "InProgress");
  const waiting: WaitingApproval[] = [];
  for (const execution of running) {
    for (const a of await api.listActionExecutions(pipeline, execution.executionId)) {
      const cfg = config.get(`${a.stage}/${a.action}`);
      if (!cfg || a.status !== "InProgress" || !a.externalExecutionId) continue;
      waiting.push({ pipeline, stage: a.stage, action: a.action, executionId: execution.executionId, token: a.externalExecutionId, since: a.startTime, ...cfg });
    }
  }
  return waiting;
}

interface ApprovalConfig {
  customData?: string;
  externalEntityLink?: string;
}

function approvalConfig(definition: PipelineDefinition): Map<string, ApprovalConfig> {
  const found = new Map<string, ApprovalConfig>();
  for (const stage of definition.stages) {
    for (const action of stage.actions) {
      if (!isApproval(action.actionType.category)) continue;
      const { CustomData, ExternalEntityLink } = action.configuration;
      found.set(`${stage.name}/${action.name}`, {
        ...(CustomData ? { customData: CustomData } : {}),
        ...(ExternalEntityLink ? { externalEntityLink: ExternalEntityLink } : {}),
      });
    }
  }
  return found;
}

/** Approval actions are known from the action executions alone (watch needs no GetPipeline). */
export function isApprovalExecution(a: ActionExecutionView): boolean {
  return isApproval(a.actionType?.category);
}
