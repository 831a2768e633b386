import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateTopicCommand, SNSClient, SubscribeCommand } from "@aws-sdk/client-sns";
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from "@aws-sdk/client-sqs";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { expect, it } from "vitest";
import { awsblog } from "../../helpers/in-process.js";
import { describeWithMoto, motoClientConfig } from "../../helpers/moto.js";
import { createQueue, drain, LAMBDA_FAILURES, requestId, sendFailures, sqsClient } from "./world.js";

const failures = (count: number, binary = false) =>
  Array.from({ length: count }, (_, n) => ({
    requestId: requestId(n),
    errorMessage: LAMBDA_FAILURES.timeout,
    body: JSON.stringify({ n, text: "ünïcødé ✓" }),
    extra: {
      Tenant: { DataType: "String", StringValue: `t-${n}` },
      Size: { DataType: "Number.int", StringValue: String(1000 + n) },
      ...(binary ? { Thumb: { DataType: "Binary", BinaryValue: Uint8Array.from([0, 1, 250]) } } : {}),
    },
  }));
const ns = (list: { Body?: string }[]) => list.map((m) => (JSON.parse(m.Body as string) as { n: number }).n).sort((a, b) => a - b);

describeWithMoto("dlq redrive to an SNS topic and to another account", (moto) => {
  it("--to <topic-arn>: PublishBatch ≤ 10, body as Message, attributes kept; a subscribed queue gets each once", async () => {
    const sqs = sqsClient(moto().url);
    const sns = new SNSClient(motoClientConfig(moto().url));
    const dlq = await createQueue(sqs, "sns-dlq");
    const sink = await createQueue(sqs, "sns-sink");
    const sinkArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: sink, AttributeNames: ["QueueArn"] }))).Attributes!.QueueArn!;
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: "replay" }));
    await sns.send(new SubscribeCommand({ TopicArn, Protocol: "sqs", Endpoint: sinkArn, Attributes: { RawMessageDelivery: "true" } }));
    await sendFailures(sqs, dlq, failures(23));

    const calls = new Map<string, number>();
    const run = await awsblog(["dlq", "redrive", "--queue-url", dlq, "--to", TopicArn!, "--endpoint-url", moto().url, "-o", "json"], {
      onCalls: (c) => c.forEach((n, k) => calls.set(k, n)),
    });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.json<{ moved: number }>().moved).toBe(23);
    expect(calls.get("SNS.PublishBatch")).toBeGreaterThanOrEqual(3); // 23 messages, ≤ 10 per call
    expect(await drain(sqs, dlq)).toHaveLength(0);

    const got = await drain(sqs, sink);
    expect(ns(got)).toEqual([...Array(23).keys()]);
    for (const m of got) {
      const n = (JSON.parse(m.Body!) as { n: number }).n;
      expect(m.Body).toBe(JSON.stringify({ n, text: "ünïcødé ✓" }));
      const a = m.MessageAttributes ?? {};
      expect(a.RequestID).toMatchObject({ DataType: "String", StringValue: requestId(n) });
      expect(a.ErrorMessage?.StringValue).toBe(LAMBDA_FAILURES.timeout);
      expect(a.Tenant).toMatchObject({ DataType: "String", StringValue: `t-${n}` });
      expect(a.Size).toMatchObject({ DataType: "Number", StringValue: String(1000 + n) });
    }
  });

  it("--to <topic-arn> that does not exist stops before anything is taken", async () => {
    const sqs = sqsClient(moto().url);
    const dlq = await createQueue(sqs, "sns-missing-dlq");
    await sendFailures(sqs, dlq, failures(3));
    const run = await awsblog(["dlq", "redrive", "--queue-url", dlq, "--to", "arn:aws:sns:us-east-1:123456789012:nope", "--endpoint-url", moto().url]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^awsblog: .*GetTopicAttributes.* — check the ARN/);
    expect(await drain(sqs, dlq)).toHaveLength(3);
  });

  it("--to-profile: the target queue in another account is reached with that profile's credentials", async () => {
    const sqs = sqsClient(moto().url);
    const dlq = await createQueue(sqs, "xacct-dlq");
    await sendFailures(sqs, dlq, failures(12, true));
    // A role in account 111111111111 (moto files what these keys do under that account).
    const sts = new STSClient(motoClientConfig(moto().url));
    const { Credentials } = await sts.send(new AssumeRoleCommand({ RoleArn: "arn:aws:iam::111111111111:role/replay", RoleSessionName: "t" }));
    const other = new SQSClient({
      ...motoClientConfig(moto().url),
      credentials: { accessKeyId: Credentials!.AccessKeyId!, secretAccessKey: Credentials!.SecretAccessKey!, sessionToken: Credentials!.SessionToken },
    });
    const { QueueUrl: work } = await other.send(new CreateQueueCommand({ QueueName: "xacct-work" }));
    expect(work).toContain("/111111111111/");
    const dir = mkdtempSync(join(tmpdir(), "awsblog-xacct-"));
    const credentials = join(dir, "credentials");
    writeFileSync(credentials, `[replay]\naws_access_key_id = ${Credentials!.AccessKeyId}\naws_secret_access_key = ${Credentials!.SecretAccessKey}\naws_session_token = ${Credentials!.SessionToken}\n`);
    const env = { AWS_SHARED_CREDENTIALS_FILE: credentials, AWS_CONFIG_FILE: join(dir, "config") };
    writeFileSync(env.AWS_CONFIG_FILE, "");

    // Without --to-profile the run's own account has no such queue: nothing is taken.
    const denied = await awsblog(["dlq", "redrive", "--queue-url", dlq, "--to", work!, "--endpoint-url", moto().url], { env });
    expect(denied.code).toBe(1);
    const missing = await awsblog(["dlq", "redrive", "--queue-url", dlq, "--to", work!, "--to-profile", "nosuch", "--endpoint-url", moto().url], { env });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/nosuch/);

    const run = await awsblog(["dlq", "redrive", "--queue-url", dlq, "--to", work!, "--to-profile", "replay", "--endpoint-url", moto().url, "-o", "json"], { env });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.json<{ moved: number }>().moved).toBe(12);
    expect(await drain(sqs, dlq)).toHaveLength(0);
    expect(ns(await drain(other, work!))).toEqual([...Array(12).keys()]);
  });
});
