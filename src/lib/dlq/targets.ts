import type { LambdaApi } from "../aws/lambda.js";
import type { SnsTopicsApi } from "../aws/sns.js";
import type { BatchOutcome, QueueMessage, SqsApi } from "../aws/sqs.js";
import { backoffMs, isTransient, sleep as realSleep } from "../retry.js";
import { mapLimit } from "./pool.js";
import { chunkForBatch, isFifoQueueUrl, outgoingFrom } from "./send-entries.js";

/**
 * Where redrive puts messages. A target reports per message; a message counts as delivered
 * only when the target confirmed it (SendMessageBatch listed it as successful, or Invoke
 * answered 202). Transient failures are retried here with backoff; `fatal` tells the run to
 * stop taking new messages (wrong queue URL, no permission: every message would fail).
 */
export interface DeliveryFailure {
  message: QueueMessage;
  code: string;
  error: string;
}

export interface Delivery {
  delivered: QueueMessage[];
  failed: DeliveryFailure[];
  fatal: boolean;
}

export interface RedriveTarget {
  describe: string;
  deliver(messages: QueueMessage[]): Promise<Delivery>;
}

export interface TargetOptions {
  attempts?: number;
  sleep?: (ms: number) => Promise<void>;
}

const FATAL = /AccessDenied|AuthorizationError|NotFound|NonExistentQueue|QueueDoesNotExist|ResourceNotFound|InvalidAddress|KmsAccessDenied|UnrecognizedClient|InvalidClientTokenId|ExpiredToken|NotAuthorized|UnsupportedOperation/i;

function errorCode(error: unknown): string {
  const e = (typeof error === "object" && error !== null ? error : {}) as { code?: string; name?: string };
  return e.code ?? e.name ?? "Error";
}

export function queueTarget(sqs: SqsApi, targetUrl: string, options: TargetOptions = {}): RedriveTarget {
  const fifo = isFifoQueueUrl(targetUrl);
  return batchTarget(targetUrl, (group) => sqs.sendBatch(targetUrl, group.map((m, i) => outgoingFrom(m, `m${i}`, fifo))), options);
}

/**
 * An SNS topic (PublishBatch, ≤ 10 per call): the body as Message, the SQS message attributes as
 * SNS message attributes; a FIFO topic gets the group and the derived deduplication id.
 */
export function topicTarget(sns: SnsTopicsApi, topicArn: string, options: TargetOptions = {}): RedriveTarget {
  const fifo = topicArn.endsWith(".fifo");
  return batchTarget(
    `topic ${topicArn}`,
    (group) =>
      sns.publishBatch(
        topicArn,
        group.map((m, i) => {
          const out = outgoingFrom(m, `m${i}`, fifo);
          return { id: out.id, message: out.body, attributes: out.messageAttributes, groupId: out.groupId, deduplicationId: out.deduplicationId };
        }),
      ),
    options,
  );
}

/**
 * Sends in batch calls under both limits, checks every entry, retries entries AWS failed on its
 * side and transient errors with backoff; a call that may or may not have arrived counts as
 * failed for its messages (nothing is deleted, so at worst a duplicate).
 */
function batchTarget(describe: string, send: (group: QueueMessage[]) => Promise<BatchOutcome>, options: TargetOptions): RedriveTarget {
  const attempts = options.attempts ?? 4;
  const sleep = options.sleep ?? realSleep;
  return {
    describe,
    async deliver(messages) {
      const result: Delivery = { delivered: [], failed: [], fatal: false };
      let pending = messages;
      for (let attempt = 0; pending.length > 0; attempt++) {
        const retry: QueueMessage[] = [];
        const last = attempt >= attempts - 1;
        for (const group of chunkForBatch(pending)) {
          try {
            const outcome = await send(group);
            for (const id of outcome.succeeded) result.delivered.push(group[Number(id.slice(1))] as QueueMessage);
            for (const f of outcome.failed) {
              const message = group[Number(f.id.slice(1))] as QueueMessage;
              if (!f.senderFault && !last) retry.push(message);
              else result.failed.push({ message, code: f.code, error: f.message });
            }
          } catch (error) {
            const transient = isTransient(error);
            if (FATAL.test(errorCode(error))) result.fatal = true;
            for (const message of group) {
              if (transient && !last) retry.push(message);
              else result.failed.push({ message, code: errorCode(error), error: (error as Error).message });
            }
          }
        }
        pending = retry;
        if (pending.length > 0) await sleep(backoffMs(attempt, { baseMs: 200, capMs: 5_000 }));
      }
      return result;
    },
  };
}

export function functionTarget(lambda: LambdaApi, functionName: string, options: TargetOptions = {}): RedriveTarget {
  const attempts = options.attempts ?? 4;
  const sleep = options.sleep ?? realSleep;
  return {
    describe: `function ${functionName}`,
    async deliver(messages) {
      const result: Delivery = { delivered: [], failed: [], fatal: false };
      await mapLimit(messages, 10, async (message) => {
        for (let attempt = 0; ; attempt++) {
          try {
            await lambda.invokeAsync(functionName, message.body);
            result.delivered.push(message);
            return;
          } catch (error) {
            if (isTransient(error) && attempt < attempts - 1) {
              await sleep(backoffMs(attempt, { baseMs: 200, capMs: 5_000 }));
              continue;
            }
            if (FATAL.test(errorCode(error))) result.fatal = true;
            result.failed.push({ message, code: errorCode(error), error: (error as Error).message });
            return;
          }
        }
      });
      return result;
    },
  };
}
