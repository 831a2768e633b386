import { DeleteRuleCommand, DescribeRuleCommand, EventBridgeClient, PutRuleCommand, PutTargetsCommand, RemoveTargetsCommand } from "@aws-sdk/client-eventbridge";
import { AwsError } from "../errors.js";
import type { AwsClientFactory } from "./factory.js";

/** The EventBridge calls `tags schedule` makes, narrow so tests can hand in their own. */
export interface EventBridgeApi {
  /** undefined when the rule does not exist. */
  describeRule(name: string, signal?: AbortSignal): Promise<{ arn: string; schedule?: string } | undefined>;
  /** PutRule creates or updates; returns the rule ARN. */
  putScheduleRule(name: string, schedule: string, description: string, signal?: AbortSignal): Promise<string>;
  /** `roleArn`: the role EventBridge uses to start a target that needs one (a state machine). */
  putTarget(rule: string, target: { id: string; arn: string; input: string; roleArn?: string }, signal?: AbortSignal): Promise<void>;
  removeTarget(rule: string, id: string, signal?: AbortSignal): Promise<void>;
  deleteRule(name: string, signal?: AbortSignal): Promise<void>;
}

export async function createEventBridgeApi(aws: AwsClientFactory): Promise<EventBridgeApi> {
  const client = await aws.client(EventBridgeClient);
  return {
    async describeRule(name, signal) {
      try {
        const out = await client.send(new DescribeRuleCommand({ Name: name }), { abortSignal: signal });
        return { arn: out.Arn ?? "", schedule: out.ScheduleExpression };
      } catch (error) {
        if (error instanceof AwsError && error.code === "ResourceNotFoundException") return undefined;
        throw error;
      }
    },
    async putScheduleRule(name, schedule, description, signal) {
      const out = await client.send(new PutRuleCommand({ Name: name, ScheduleExpression: schedule, State: "ENABLED", Description: description }), { abortSignal: signal });
      return out.RuleArn ?? "";
    },
    async putTarget(rule, target, signal) {
      const out = await client.send(new PutTargetsCommand({ Rule: rule, Targets: [{ Id: target.id, Arn: target.arn, Input: target.input, ...(target.roleArn ? { RoleArn: target.roleArn } : {}) }] }), { abortSignal: signal });
      const failed = out.FailedEntries?.[0];
      if (failed) throw new AwsError("EventBridge", "PutTargets", failed.ErrorCode ?? "FailedEntry", failed.ErrorMessage ?? "", "check the target's ARN, its role and the rule");
    },
    async removeTarget(rule, id, signal) {
      try {
        await client.send(new RemoveTargetsCommand({ Rule: rule, Ids: [id] }), { abortSignal: signal });
      } catch (error) {
        if (!(error instanceof AwsError && error.code === "ResourceNotFoundException")) throw error;
      }
    },
    async deleteRule(name, signal) {
      try {
        await client.send(new DeleteRuleCommand({ Name: name }), { abortSignal: signal });
      } catch (error) {
        if (!(error instanceof AwsError && error.code === "ResourceNotFoundException")) throw error;
      }
    },
  };
}
