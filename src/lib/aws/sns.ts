import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import type { AwsClientFactory } from "./factory.js";

/** The SNS calls awsblog makes, narrow so tests can hand in their own. */
export interface SnsApi {
  publish(topicArn: string, subject: string, message: string, signal?: AbortSignal): Promise<string | undefined>;
}

export async function createSnsApi(aws: AwsClientFactory): Promise<SnsApi> {
  const client = await aws.client(SNSClient);
  return {
    async publish(topicArn, subject, message, signal) {
      const res = await client.send(new PublishCommand({ TopicArn: topicArn, Subject: subject, Message: message }), {
        abortSignal: signal,
      });
      return res.MessageId;
    },
  };
}
