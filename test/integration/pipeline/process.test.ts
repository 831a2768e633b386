import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { onTerminal } from "../../helpers/pty.js";
import { startCodePipelineDouble, type CodePipelineDouble } from "../../../doubles/codepipeline/index.js";
import { approvalPipeline } from "./world.js";

/**
 * The built CLI as a process on a pseudo-terminal (`npm run build` first): Ctrl-C typed at a
 * terminal while the live stage view (an ora spinner, which puts stdin in raw mode) is showing.
 */
const built = existsSync(fileURLToPath(new URL("../../../dist/cli.js", import.meta.url)));

let double: CodePipelineDouble;
beforeAll(async () => {
  double = await startCodePipelineDouble();
});
afterAll(() => double.stop());

describe.skipIf(!built)("the built CLI on a terminal against the CodePipeline double", () => {
  it("Ctrl-C at a terminal while the stage view spins: exit 130 at once, the run goes on", async () => {
    double.addPipeline(approvalPipeline("tty"));
    const id = double.start("tty");
    double.runUntilBlocked(id);
    const result = await onTerminal(["pipeline", "watch", "tty"], {
      env: { TERM: "xterm", AWS_ENDPOINT_URL_CODEPIPELINE: double.url },
      // Ctrl-C once the spinner is up again under the approval hint.
      steps: [{ after: "approve with:", keys: "\x03", pause: 0.3 }],
      timeout: 25,
      rows: 30,
    });
    expect(result.seen).toBe(1);
    expect(result.output).toContain("waiting for approval at QA/QASignOff");
    expect(result.output).toMatch(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]\S* tty InProgress: Build ✓ {2}QA ⟳ QASignOff/); // the spinner was up
    // null (killed at the timeout) means Ctrl-C was swallowed: the spinner put stdin in raw mode and nobody read it
    // (ora's discardStdin; the output layer must create spinners with discardStdin: false).
    expect(result.code, result.output.slice(-400)).toBe(130);
    expect(result.seconds).toBeLessThan(3); // not the rest of a 5 s poll interval
    expect(result.output).toContain("stopped watching");
    expect(double.execution(id).status).toBe("InProgress");
  }, 40_000);
});
