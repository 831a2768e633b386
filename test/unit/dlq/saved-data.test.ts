import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { inspectRecord } from "../../../src/lib/dlq/records.js";
import { parseSavedData } from "../../../src/lib/dlq/saved-data.js";
import { UsageError } from "../../../src/lib/errors.js";

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/dlq/${name}`, import.meta.url), "utf8");
const inspect = (text: string) => parseSavedData(text).map(inspectRecord);

describe("parseSavedData", () => {
  it("reads a Lambda SNS event (Records[].Sns) — the post's timeout and crash", () => {
    const [timeout, crash] = inspect(fixture("sns-lambda-event.json"));
    expect(timeout).toEqual({
      messageId: "95df01b4-ee98-5cb9-9903-4c221d41eb5e",
      requestId: "b4797725-b5eb-11e6-acb2-17876a085622",
      errorCode: "200",
      errorMessage: "2016-11-29T04:27:36.789Z b4797725-b5eb-11e6-acb2-17876a085622 Task timed out after 300.00 seconds",
      class: "timeout",
      timeoutSeconds: 300,
      body: { Records: [{ s3: { bucket: { name: "photos" }, object: { key: "notes.txt" } } }] },
      sentAt: "2016-11-29T04:27:37.012Z",
      receiveCount: null,
      source: "sns",
    });
    expect(crash).toMatchObject({ requestId: "6502cad0-b641-11e6-bd4e-279609143c53", class: "crash" });
  });

  it("reads a bare SNS notification", () => {
    expect(inspect(fixture("sns-notification.json"))).toEqual([
      expect.objectContaining({ requestId: "7e1a9c52-b6e0-11e6-9a3b-5bd1f1c2c3d4", class: "misconfig", body: { Records: [{ s3: { object: { key: "cat.jpg" } } }] } }),
    ]);
  });

  it("reads on-failure destination records as JSON Lines", () => {
    const records = inspect(fixture("destination-records.jsonl"));
    expect(records.map((r) => [r.requestId, r.class, r.timeoutSeconds])).toEqual([
      ["e4b46cbf-b738-xmpl-8880-a18cdf61200e", "timeout", 3],
      ["0c9a1d2e-b738-xmpl-8880-a18cdf61200e", "misconfig", undefined],
      ["9f8e7d6c-b738-xmpl-8880-a18cdf61200e", "handler-error", undefined],
    ]);
    expect(records[0]).toMatchObject({ messageId: null, errorCode: "200", body: { key: "a.jpg" }, sentAt: "2026-11-24T22:10:05.123Z", source: "destination" });
  });

  it("reads `aws sqs receive-message` output, unwrapping a destination record delivered to SQS", () => {
    const [crash, wrapped] = inspect(fixture("receive-message.json"));
    expect(crash).toMatchObject({
      messageId: "5fea7756-0ea4-451a-a703-a558b933e274",
      requestId: "d9b0a8c1-1111-4a2b-9c3d-0123456789ab",
      class: "crash",
      body: { orderId: 42 },
      receiveCount: 2,
      sentAt: new Date(1764028800000).toISOString(),
    });
    expect(wrapped).toMatchObject({
      messageId: "7a1c0d2e-3f4b-4c5d-8e6f-7a8b9c0d1e2f",
      requestId: "aa11bb22-cc33-4d44-8e55-66ff77aa88bb",
      class: "handler-error",
      errorMessage: "quota exceeded",
      body: { key: "d.jpg" },
      receiveCount: 1,
      source: "sqs",
    });
  });

  it("reads a Lambda SQS event (camelCase attributes) and an array of messages", () => {
    const event = {
      Records: [
        {
          messageId: "m1",
          body: "not json",
          attributes: { ApproximateReceiveCount: "1", SentTimestamp: "1764028800000" },
          messageAttributes: { RequestID: { stringValue: "r1", dataType: "String" }, ErrorMessage: { stringValue: "boom", dataType: "String" } },
          eventSource: "aws:sqs",
        },
      ],
    };
    expect(inspect(JSON.stringify(event))).toEqual([expect.objectContaining({ messageId: "m1", requestId: "r1", class: "handler-error", body: "not json" })]);
    const array = JSON.parse(fixture("receive-message.json")).Messages;
    expect(inspect(JSON.stringify(array))).toHaveLength(2);
  });

  it("refuses what it cannot read with a usage error naming the place", () => {
    expect(() => parseSavedData("")).toThrow(UsageError);
    expect(() => parseSavedData("{oops")).toThrow(/--file is not valid JSON/);
    expect(() => parseSavedData('{"a":1}\n{oops')).toThrow(/--file line 2 is not valid JSON/);
    expect(() => parseSavedData('{"hello":"world"}')).toThrow(/--file document 1: not a format dlq inspect knows/);
    expect(() => parseSavedData('{"Messages":[{"MessageId":"x"}]}')).toThrow(/Messages\[0\]/);
  });
});
