import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { CreateStateMachineCommand, DescribeExecutionCommand, SFNClient, StartExecutionCommand } from "@aws-sdk/client-sfn";
import { motoClientConfig, type Moto } from "./moto.js";

/**
 * A real execution paused on a task token, in moto: a state machine whose only state is
 * `sqs:sendMessage.waitForTaskToken`, so the token lands in a queue where the test reads it.
 * moto runs one execution per reset, so each call resets the server first.
 */
export interface PausedExecution {
  executionArn: string;
  taskToken: string;
  status(): Promise<{ status?: string; output?: string; error?: string; cause?: string }>;
}

export async function startPausedExecution(moto: Moto, input: unknown = { employee: "John Doe" }): Promise<PausedExecution> {
  await moto.reset({ stepFunctions: true });
  const config = motoClientConfig(moto.url);
  const sqs = new SQSClient(config);
  const sfn = new SFNClient(config);
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "approval-tokens" }));
  const definition = {
    StartAt: "ManualApproval",
    States: {
      ManualApproval: {
        Type: "Task",
        Resource: "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
        Parameters: { QueueUrl, MessageBody: { "taskToken.$": "$$.Task.Token", "input.$": "$" } },
        // moto accepts SendTaskHeartbeat only for tasks that declare a heartbeat.
        HeartbeatSeconds: 3600,
        End: true,
      },
    },
  };
  const { stateMachineArn } = await sfn.send(
    new CreateStateMachineCommand({
      name: "PromotionApproval",
      definition: JSON.stringify(definition),
      roleArn: "arn:aws:iam::123456789012:role/StatesExecutionRole",
    }),
  );
  const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn, input: JSON.stringify(input) }));
  const taskToken = await waitForToken(sqs, QueueUrl!);
  return {
    executionArn: executionArn!,
    taskToken,
    async status() {
      return sfn.send(new DescribeExecutionCommand({ executionArn }));
    },
  };
}

async function waitForToken(sqs: SQSClient, queueUrl: string): Promise<string> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 1 }));
    const body = Messages?.[0]?.Body;
    if (body) return (JSON.parse(body) as { taskToken: string }).taskToken;
  }
  throw new Error("the execution never published its task token");
}

/** Polls until the execution leaves RUNNING (moto finishes callbacks asynchronously). */
export async function settled(execution: PausedExecution, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const current = await execution.status();
    if (current.status !== "RUNNING" || Date.now() > deadline) return current;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
