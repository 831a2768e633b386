import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
  type Message,
  type MessageAttributeValue,
} from "@aws-sdk/client-sqs";
import { motoClientConfig } from "../../helpers/moto.js";

/** Lambda's DLQ messages as Lambda writes them: the event as body, RequestID/ErrorCode/ErrorMessage attributes. */
export const LAMBDA_FAILURES = {
  timeout: "2026-11-25T00:01:02.345Z 0f0e3a1b-aaaa-4bbb-8ccc-000000000001 Task timed out after 300.00 seconds",
  crash: "Process exited before completing request",
  oom: "RequestId: 0f0e3a1b-aaaa-4bbb-8ccc-000000000003 Error: Runtime exited with error: signal: killed Runtime.ExitError",
  misconfig: "Cannot find module '/var/task/index'",
  handler: "Error: image is not a JPEG",
} as const;

export function sqsClient(url: string): SQSClient {
  return new SQSClient(motoClientConfig(url));
}

export async function createQueue(sqs: SQSClient, name: string, attributes: Record<string, string> = {}): Promise<string> {
  const out = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  return out.QueueUrl as string;
}

export interface LambdaFailure {
  requestId: string;
  errorMessage: string;
  body: string;
  extra?: Record<string, MessageAttributeValue>;
  groupId?: string;
  deduplicationId?: string;
}

export async function sendFailures(sqs: SQSClient, queueUrl: string, failures: LambdaFailure[]): Promise<void> {
  for (let i = 0; i < failures.length; i += 10) {
    const group = failures.slice(i, i + 10);
    const out = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: group.map((f, j) => ({
          Id: `e${j}`,
          MessageBody: f.body,
          MessageGroupId: f.groupId,
          MessageDeduplicationId: f.deduplicationId,
          MessageAttributes: {
            RequestID: { DataType: "String", StringValue: f.requestId },
            ErrorCode: { DataType: "String", StringValue: "200" },
            ErrorMessage: { DataType: "String", StringValue: f.errorMessage },
            ...f.extra,
          },
        })),
      }),
    );
    if ((out.Failed ?? []).length > 0) throw new Error(`arrange: send failed ${JSON.stringify(out.Failed)}`);
  }
}

/** Every message currently receivable (waits for nothing; visibility 30 s so each is read once). */
export async function drain(sqs: SQSClient, queueUrl: string): Promise<Message[]> {
  const all = new Map<string, Message>();
  for (let empty = 0; empty < 2; ) {
    const out = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        VisibilityTimeout: 30,
        WaitTimeSeconds: 0,
        MessageAttributeNames: ["All"],
        MessageSystemAttributeNames: ["All"],
      }),
    );
    const messages = out.Messages ?? [];
    if (messages.length === 0) empty += 1;
    for (const m of messages) all.set(m.MessageId as string, m);
  }
  return [...all.values()];
}

export async function visibleCount(sqs: SQSClient, queueUrl: string): Promise<{ visible: number; hidden: number }> {
  const out = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"] }),
  );
  return {
    visible: Number(out.Attributes?.ApproximateNumberOfMessages),
    hidden: Number(out.Attributes?.ApproximateNumberOfMessagesNotVisible),
  };
}

export function requestId(n: number): string {
  return `0f0e3a1b-aaaa-4bbb-8ccc-${String(n).padStart(12, "0")}`;
}
