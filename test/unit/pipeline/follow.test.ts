import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { followExecution } from "../../../src/lib/pipeline/follow.js";
import { createCodePipelineApi } from "../../../src/lib/aws/codepipeline.js";
import { createAwsClientFactory } from "../../../src/lib/aws/factory.js";
import { startCodePipelineDouble, type CodePipelineDouble } from "../../../doubles/codepipeline/index.js";
import { testContext } from "../../helpers/context.js";

let double: CodePipelineDouble;
beforeAll(async () => {
  vi.stubEnv("AWS_ACCESS_KEY_ID", "test");
  vi.stubEnv("AWS_SECRET_ACCESS_KEY", "test");
  double = await startCodePipelineDouble({ advanceOnPoll: true });
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await double.stop();
});

describe("the live stage view on a terminal", () => {
  it("updates one spinner line per poll, stops it around the approval notice, and prints no CI lines", async () => {
    double.addPipeline({
      name: "tty",
      stages: [
        { name: "Build", actions: [{ name: "Build" }] },
        { name: "Prod", actions: [{ name: "ApproveProd", category: "Approval", provider: "Manual" }] },
      ],
    });
    const id = double.start("tty");
    const aws = createAwsClientFactory({ region: "us-east-1", endpointUrl: double.url, userAgent: { name: "awsblog", version: "test" } });
    const api = await createCodePipelineApi(aws);
    const spinners: { texts: string[]; stopped: boolean }[] = [];
    const t = testContext({ format: "text", services: { codepipeline: async () => api, sleep: async (ms) => double.clock.advance(ms), random: () => 0.5 } });
    const ctx = {
      ...t.ctx,
      now: () => new Date(double.clock.now()),
      out: {
        ...t.ctx.out,
        interactive: true,
        spinner(text: string) {
          const s = { texts: [text], stopped: false };
          spinners.push(s);
          return { update: (next: string) => void s.texts.push(next), stop: () => void (s.stopped = true) };
        },
      },
    };
    const result = await followExecution(ctx, "tty", id, { timeoutS: 20 });
    expect(result.exitCode).toBe(1); // timed out waiting for the approval
    expect(spinners.every((s) => s.stopped)).toBe(true);
    expect(spinners.flatMap((s) => s.texts)).toContain("tty InProgress: Build ✓  Prod ⟳ ApproveProd");
    // Spinner 1 ran until the approval notice; spinner 2 took over after it.
    expect(spinners).toHaveLength(2);
    expect(t.stderr().match(/waiting for approval at Prod\/ApproveProd/g)).toHaveLength(1);
    expect(t.stderr()).not.toContain("tty: Build");
  });
});
