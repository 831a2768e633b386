import { defineCommand, opt, required, type OptionsOf } from "../../lib/command.js";
import type { Context } from "../../lib/context.js";
import { summarize, type FailureClass } from "../../lib/dlq/classify.js";
import { checkQueueUrl, explainQueueError, parseDuration, QUEUE_URL_HINT, redrivePolicyWarning } from "../../lib/dlq/options.js";
import { inspectRecord, recordFromQueueMessage } from "../../lib/dlq/records.js";
import { renderTailLine } from "../../lib/dlq/render.js";
import { tailQueue } from "../../lib/dlq/tail.js";

const flags = {
  queueUrl: required(opt.string("--queue-url <url>", "the dead-letter queue to watch"), QUEUE_URL_HINT),
  for: opt.custom("--for <duration>", "stop after this long (30s, 10m, 2h); default: until Ctrl-C", parseDuration("--for", 24 * 3_600_000)),
  visibilityTimeout: opt.int("--visibility-timeout <s>", "how long a message already shown stays hidden when it comes round again", { min: 1, max: 300, defaultValue: 20 }),
};

export default defineCommand({
  options: flags,
  help: `
Long polls (20 s) and prints each message once, as it arrives: new ones are made visible again at
once, so a redrive run alongside sees them; never deletes. Ends on Ctrl-C (exit 130) or after --for
(exit 0). Text: one line per message (sent at, class, receive count, request id, error); -o json:
JSON Lines, each line one message as in dlq inspect {messageId,requestId,errorCode,errorMessage,class,…}.
Reads raise receive counts: a DLQ with its own RedrivePolicy moves messages on after maxReceiveCount reads.`,
  examples: [
    `awsblog dlq tail --queue-url "$DLQ_URL"`,
    `awsblog dlq tail --queue-url "$DLQ_URL" --for 10m -o json | jq -r 'select(.class=="timeout") | .requestId'`,
  ],
  run: tail,
});

/** `awsblog dlq tail`: failures as they arrive, each once, until Ctrl-C or --for. */
async function tail(options: OptionsOf<typeof flags>, ctx: Context): Promise<void> {
  const queueUrl = checkQueueUrl(options.queueUrl, "--queue-url");
  const sqs = await ctx.services.sqs();
  let policy: string | undefined;
  try {
    policy = (await sqs.getQueueAttributes(queueUrl, ["RedrivePolicy"])).RedrivePolicy;
  } catch (error) {
    throw explainQueueError(error, queueUrl);
  }
  const warning = redrivePolicyWarning(policy);
  if (warning) ctx.out.warn(warning);
  ctx.out.info(`watching ${queueUrl}${options.for === undefined ? "; Ctrl-C to stop" : ` for ${Math.round(options.for / 1000)} s`}`);
  const classes: FailureClass[] = [];
  const summary = await tailQueue(sqs, {
    queueUrl,
    until: options.for === undefined ? undefined : ctx.services.monotonicNow() + options.for,
    monotonicNow: () => ctx.services.monotonicNow(),
    signal: ctx.signal,
    visibilityTimeout: options.visibilityTimeout,
    onMessage(message) {
      const inspected = inspectRecord(recordFromQueueMessage(message));
      classes.push(inspected.class);
      ctx.out.line(inspected, renderTailLine(inspected, ctx.out.style, ctx.out.width));
    },
    onReleaseFailures: (count, code) =>
      ctx.out.warn(`${count} message(s) could not be made visible again (${code}); SQS shows them again when their visibility timeout ends`),
  });
  const counts = Object.entries(summarize(classes))
    .filter(([, n]) => n > 0)
    .map(([c, n]) => `${c} ${n}`)
    .join(", ");
  ctx.out.info(`${summary.shown} message(s) shown${counts ? ` (${counts})` : ""}`);
}
