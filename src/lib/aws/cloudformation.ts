import { CloudFormationClient, DescribeStacksCommand } from "@aws-sdk/client-cloudformation";
import type { AwsClientFactory } from "./factory.js";
import { withDeadline } from "../pipeline/deadline.js";

/** The one CloudFormation read the pipeline worker needs: a stack's outputs. */
export interface CloudFormationApi {
  /** OutputKey → OutputValue of one stack; throws AwsError ValidationError when it does not exist. */
  stackOutputs(stackName: string): Promise<Record<string, string>>;
}

export async function createCloudFormationApi(aws: AwsClientFactory, options: { timeoutMs?: number } = {}): Promise<CloudFormationApi> {
  const client = await aws.client(CloudFormationClient);
  const timeoutMs = options.timeoutMs ?? 30_000;
  return {
    async stackOutputs(StackName) {
      const out = await withDeadline(
        "CloudFormation",
        "DescribeStacks",
        timeoutMs,
        undefined,
        (abortSignal) => client.send(new DescribeStacksCommand({ StackName }), { abortSignal }),
      );
      const outputs: Record<string, string> = {};
      for (const o of out.Stacks?.[0]?.Outputs ?? []) if (o.OutputKey) outputs[o.OutputKey] = o.OutputValue ?? "";
      return outputs;
    },
  };
}
