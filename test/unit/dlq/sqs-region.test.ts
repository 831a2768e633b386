import { afterEach, describe, expect, it, vi } from "vitest";
import { createAwsClientFactory, type AwsClientFactory, type ClientOverrides } from "../../../src/lib/aws/factory.js";
import { locateQueue } from "../../../src/lib/aws/queue-url.js";
import { createSqsApi } from "../../../src/lib/aws/sqs.js";

interface Sent {
  host: string;
  queueUrl: string;
  target: string;
  /** The region the request was signed for. */
  scope: string;
}

/**
 * The real client factory, except that each SQS client answers from here instead of the
 * network: records the host each call went to, the QueueUrl it carried and its signing scope.
 */
function capturingFactory(region: string | undefined) {
  const real = createAwsClientFactory({ region, userAgent: { name: "awsblog", version: "test" } });
  const sent: Sent[] = [];
  const overrides: ClientOverrides[] = [];
  const factory: AwsClientFactory = {
    calls: real.calls,
    derive: real.derive,
    destroy: real.destroy,
    async client(Ctor, given) {
      overrides.push(given ?? {});
      const client = await real.client(Ctor, given);
      (client.config as { requestHandler: unknown }).requestHandler = {
        async handle(request: { hostname: string; headers: Record<string, string>; body: Uint8Array | string }) {
          sent.push({
            host: request.hostname,
            queueUrl: (JSON.parse(typeof request.body === "string" ? request.body : new TextDecoder().decode(request.body)) as { QueueUrl: string }).QueueUrl,
            target: request.headers["x-amz-target"] ?? "",
            scope: /Credential=[^/]+\/\d+\/([^/]+)\//.exec(request.headers.authorization ?? "")?.[1] ?? "",
          });
          const body = request.headers["x-amz-target"]?.endsWith("ReceiveMessage") ? "{}" : '{"Attributes":{}}';
          return { response: { statusCode: 200, headers: { "content-type": "application/x-amz-json-1.0" }, body: Buffer.from(body) } };
        },
        updateHttpClientConfig() {},
        httpHandlerConfigs: () => ({}),
      };
      return client;
    },
  };
  return { factory, sent, overrides };
}

/** The SDK's "QueueUrl=… differs from SQSClient resolved endpoint=…" lines (console.warn). */
const endpointWarnings = (warn: { mock: { calls: unknown[][] } }) => warn.mock.calls.map((c) => String(c[0])).filter((line) => line.includes("differs from SQSClient"));

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
  vi.restoreAllMocks();
});

describe("SQS calls go to the queue's own region", () => {
  it("calls a queue of another region there, signed for it, without the SDK's endpoint warning", async () => {
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test" });
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const { factory, sent } = capturingFactory("us-east-1");
    const sqs = await createSqsApi(factory);
    const queue = "https://sqs.eu-west-1.amazonaws.com/123456789012/thumbnailer-dlq";
    await sqs.getQueueAttributes(queue, ["RedrivePolicy"]);
    await sqs.receive(queue, { maxMessages: 10, visibilityTimeout: 30, waitTimeSeconds: 0 });
    expect(sent.map((s) => [s.host, s.scope, s.queueUrl])).toEqual([
      ["sqs.eu-west-1.amazonaws.com", "eu-west-1", queue],
      ["sqs.eu-west-1.amazonaws.com", "eu-west-1", queue],
    ]);
    expect(endpointWarnings(warn)).toEqual([]);
  });

  it("sends legacy queue.amazonaws.com URLs in the current form, to their region", async () => {
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test" });
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const { factory, sent } = capturingFactory("eu-central-1");
    const sqs = await createSqsApi(factory);
    await sqs.getQueueAttributes("https://queue.amazonaws.com/123456789012/old-dlq", ["QueueArn"]);
    await sqs.getQueueAttributes("https://ap-southeast-2.queue.amazonaws.com/123456789012/old-work", ["QueueArn"]);
    await sqs.getQueueAttributes("https://sqs.eu-central-1.amazonaws.com/123456789012/here", ["QueueArn"]);
    expect(sent.map((s) => [s.host, s.scope, s.queueUrl])).toEqual([
      ["sqs.us-east-1.amazonaws.com", "us-east-1", "https://sqs.us-east-1.amazonaws.com/123456789012/old-dlq"],
      ["sqs.ap-southeast-2.amazonaws.com", "ap-southeast-2", "https://sqs.ap-southeast-2.amazonaws.com/123456789012/old-work"],
      ["sqs.eu-central-1.amazonaws.com", "eu-central-1", "https://sqs.eu-central-1.amazonaws.com/123456789012/here"],
    ]);
    expect(endpointWarnings(warn)).toEqual([]);
  });

  it("needs no --region when the queue URL names one", async () => {
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test" });
    delete process.env.AWS_REGION;
    delete process.env.AWS_DEFAULT_REGION;
    process.env.AWS_CONFIG_FILE = "/dev/null";
    const { factory, sent, overrides } = capturingFactory(undefined);
    const sqs = await createSqsApi(factory);
    await sqs.getQueueAttributes("https://sqs.sa-east-1.amazonaws.com/123456789012/q", ["QueueArn"]);
    expect(overrides.map((o) => o.region)).toEqual(["sa-east-1"]);
    expect(sent[0]?.scope).toBe("sa-east-1");
  });
});

describe("locateQueue", () => {
  it.each([
    ["https://sqs.us-east-1.amazonaws.com/1/q", "us-east-1", "https://sqs.us-east-1.amazonaws.com/1/q"],
    ["https://sqs.cn-north-1.amazonaws.com.cn/1/q", "cn-north-1", "https://sqs.cn-north-1.amazonaws.com.cn/1/q"],
    ["https://sqs-fips.us-gov-west-1.amazonaws.com/1/q", "us-gov-west-1", "https://sqs-fips.us-gov-west-1.amazonaws.com/1/q"],
    ["https://queue.amazonaws.com/1/q", "us-east-1", "https://sqs.us-east-1.amazonaws.com/1/q"],
    ["https://eu-west-1.queue.amazonaws.com/1/q", "eu-west-1", "https://sqs.eu-west-1.amazonaws.com/1/q"],
    ["https://cn-northwest-1.queue.amazonaws.com.cn/1/q", "cn-northwest-1", "https://sqs.cn-northwest-1.amazonaws.com.cn/1/q"],
    ["http://127.0.0.1:5000/123456789012/q", undefined, "http://127.0.0.1:5000/123456789012/q"],
    ["https://vpce-0abc.sqs.us-east-1.vpce.amazonaws.com/1/q", undefined, "https://vpce-0abc.sqs.us-east-1.vpce.amazonaws.com/1/q"],
    ["http://sqs.us-east-1.amazonaws.com/1/q", undefined, "http://sqs.us-east-1.amazonaws.com/1/q"],
  ])("%s → %s", (url, region, wire) => {
    expect(locateQueue(url)).toEqual(region ? { region, url: wire } : { url: wire });
  });
});
