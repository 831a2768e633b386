import { describe, expect, it } from "vitest";
import { awsblog, interrupts } from "../../helpers/in-process.js";
import { oneRulePolicy, useHungEndpoint } from "./hung-endpoint.js";

/**
 * After one Ctrl-C a read in flight is abandoned at once (nothing is lost by not waiting for
 * it), where it used to wait out its read timeout ("finishing work in flight"). A write in
 * flight still runs to its end: whether AWS applied it must not be left unknown.
 */
const rules = oneRulePolicy();
const hung = useHungEndpoint();

describe("Ctrl-C against a silent endpoint", () => {
  const reads: [string, string[], RegExp][] = [
    ["dlq inspect", ["dlq", "inspect", "--queue-url", "QUEUE"], /interrupted during SQS GetQueueAttributes/],
    ["tags scan", ["tags", "scan", "--policy", rules], /interrupted during EC2 DescribeInstances/],
    ["pipeline status", ["pipeline", "status", "p"], /interrupted/],
  ];
  for (const [name, args, said] of reads) {
    it(`${name}: the read in flight is abandoned at once, exit 130`, async () => {
      const argv = args.map((a) => (a === "QUEUE" ? `${hung().url}/123456789012/dlq` : a));
      const keys = interrupts();
      const connected = hung().nextConnection();
      const started = Date.now();
      // The default 60 s read timeout: only the abandoned read can end this quickly.
      const running = awsblog([...argv, "--endpoint-url", hung().url], { interrupts: keys });
      await connected;
      keys.interrupt();
      const run = await running;
      expect(run.code).toBe(130);
      expect(run.exitedEarly).toBe(false); // one Ctrl-C was enough
      expect(run.stderr).toMatch(said);
      expect(run.stderr).not.toMatch(/no answer/);
      expect(Date.now() - started).toBeLessThan(30_000);
    }, 60_000);
  }

  it("a write in flight (approval start) is not abandoned: it runs to its own limit, retry included", async () => {
    const keys = interrupts();
    const connections = hung().connections;
    const connected = hung().nextConnection();
    const machine = "arn:aws:states:us-east-1:123456789012:stateMachine:x";
    const running = awsblog(["approval", "start", "--state-machine-arn", machine, "--endpoint-url", hung().url, "--cli-read-timeout", "0.5"], { interrupts: keys });
    await connected;
    keys.interrupt();
    const run = await running;
    expect(run.code).toBe(130);
    expect(run.stderr).toMatch(/no answer from StepFunctions StartExecution after 2 attempts/);
    expect(hung().connections - connections).toBe(2); // the retry happened after the Ctrl-C
  }, 30_000);
});
