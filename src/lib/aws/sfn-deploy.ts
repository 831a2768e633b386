import { CreateStateMachineCommand, DeleteStateMachineCommand, DescribeStateMachineCommand, SFNClient, UpdateStateMachineCommand } from "@aws-sdk/client-sfn";
import { AwsError } from "../errors.js";
import type { AwsClientFactory } from "./factory.js";

export interface StateMachineState {
  arn: string;
  definition: string;
  roleArn: string;
  /** DELETING while a delete is in progress; ACTIVE otherwise. */
  status?: string;
}

/** The Step Functions calls `tags schedule --fan-out` makes to deploy its state machine. */
export interface StateMachinesApi {
  /** undefined when no state machine has this ARN. */
  describe(arn: string, signal?: AbortSignal): Promise<StateMachineState | undefined>;
  /** Returns the new state machine's ARN. */
  create(name: string, definition: string, roleArn: string, tags: Record<string, string>, signal?: AbortSignal): Promise<string>;
  update(arn: string, definition: string, roleArn: string, signal?: AbortSignal): Promise<void>;
  /** false when there was nothing to delete. */
  delete(arn: string, signal?: AbortSignal): Promise<boolean>;
}

export async function createStateMachinesApi(aws: AwsClientFactory): Promise<StateMachinesApi> {
  const client = await aws.client(SFNClient);
  const notFound = (error: unknown) => error instanceof AwsError && error.code === "StateMachineDoesNotExist";
  const api: StateMachinesApi = {
    async describe(arn, signal) {
      try {
        const out = await client.send(new DescribeStateMachineCommand({ stateMachineArn: arn }), { abortSignal: signal });
        return { arn: out.stateMachineArn ?? arn, definition: out.definition ?? "", roleArn: out.roleArn ?? "", status: out.status };
      } catch (error) {
        if (notFound(error)) return undefined;
        throw error;
      }
    },
    async create(name, definition, roleArn, tags, signal) {
      const out = await client.send(
        new CreateStateMachineCommand({ name, definition, roleArn, type: "STANDARD", tags: Object.entries(tags).map(([key, value]) => ({ key, value })) }),
        { abortSignal: signal },
      );
      return out.stateMachineArn ?? "";
    },
    async update(arn, definition, roleArn, signal) {
      await client.send(new UpdateStateMachineCommand({ stateMachineArn: arn, definition, roleArn }), { abortSignal: signal });
    },
    async delete(arn, signal) {
      if (!(await api.describe(arn, signal))) return false;
      await client.send(new DeleteStateMachineCommand({ stateMachineArn: arn }), { abortSignal: signal });
      return true;
    },
  };
  return api;
}
