import { CloudFormationClient, DescribeStacksCommand } from "@aws-sdk/client-cloudformation";
import type { AwsClientFactory } from "./factory.js";

/** The one CloudFormation read the pipeline worker needs: a stack's outputs. */
export interface CloudFormationApi {
  /** OutputKey → OutputValue of one stack; throws AwsError ValidationError when it does not exist. */
  stackOutputs(stackName: string): Promise<Record<string, string>>;
}

/** The factory bounds the call by --cli-read-timeout, as every other. */
export async function createCloudFormationApi(aws: AwsClientFactory): Promise<CloudFormationApi> {
  const client = await aws.client(CloudFormationClient);
  return {
    async stackOutputs(StackName) {
      const out = await client.send(new DescribeStacksCommand({ StackName }));
      const outputs: Record<string, string> = {};
      for (const o of out.Stacks?.[0]?.Outputs ?? []) if (o.OutputKey) outputs[o.OutputKey] = o.OutputValue ?? "";
      return outputs;
    },
  };
}
