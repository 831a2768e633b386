import { describe, expect, it } from "vitest";
import { onTerminal } from "../../helpers/pty.js";
import { oneRulePolicy, useHungEndpoint } from "./hung-endpoint.js";

/**
 * Ctrl-C while a spinner shows, typed on a real pseudo-terminal (needs `npm run build`).
 * ora's default discardStdin put the terminal in raw mode, so Ctrl-C was a plain byte and
 * never became SIGINT: the command ran on. Now it exits 130, and the cursor is visible.
 */
const rules = oneRulePolicy();
const hung = useHungEndpoint();

describe("Ctrl-C under a spinner, on a terminal", () => {
  it("tags scan waiting on a silent endpoint: Ctrl-C reaches the CLI, which abandons the read at once with 130", async () => {
    // (The silent endpoint lives in this process: onTerminal runs the terminal asynchronously.)
    const run = await onTerminal(["tags", "scan", "--policy", rules, "--endpoint-url", hung().url], {
      steps: [{ after: "listing instances", keys: "\x03" }],
    });
    expect(run.output).toContain("listing instances");
    expect(run.output).toContain("interrupted — finishing work in flight (Ctrl-C again to stop now)");
    expect(run.output).toContain("interrupted during EC2 DescribeInstances");
    expect(run.code).toBe(130);
    expect(run.seconds).toBeLessThan(5);
    // Either the cursor was never hidden, or it was shown again.
    const hidden = run.output.lastIndexOf("\x1b[?25l");
    expect(hidden === -1 || run.output.lastIndexOf("\x1b[?25h") > hidden).toBe(true);
  }, 30_000);
});
