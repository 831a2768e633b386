import type { PipelineSpec } from "../../../doubles/codepipeline/index.js";
export { postPipeline, TEST_ACTION } from "../../../doubles/codepipeline/post-pipeline.js";
import type { CodePipelineDouble } from "../../../doubles/codepipeline/index.js";
import { awsblog, type InProcessOptions } from "../../helpers/in-process.js";

/** A short pipeline: Build → Approve (two approval stages when `twoApprovals`). */
export function approvalPipeline(name: string, twoApprovals = false, executionMode: PipelineSpec["executionMode"] = "SUPERSEDED"): PipelineSpec {
  const approve = (n: string) => ({ name: n, category: "Approval", provider: "Manual" });
  return {
    name,
    executionMode,
    stages: [
      { name: "Build", actions: [{ name: "Build" }] },
      { name: "QA", actions: twoApprovals ? [approve("QASignOff"), approve("SecurityReview")] : [approve("QASignOff")] },
      { name: "Release", actions: [{ name: "Deploy", category: "Deploy", provider: "CloudFormation" }] },
    ],
  };
}

/** Runs the CLI in-process against the double (and moto for CloudFormation when given). */
export function cli(double: CodePipelineDouble, motoUrl?: string) {
  return (args: string[], options: InProcessOptions = {}) =>
    awsblog(args, {
      now: () => new Date(double.clock.now()),
      ...options,
      env: {
        AWS_ENDPOINT_URL_CODEPIPELINE: double.url,
        ...(motoUrl ? { AWS_ENDPOINT_URL_CLOUDFORMATION: motoUrl } : {}),
        ...options.env,
      },
      services: {
        // Waits move the double's clock instead of the wall clock: instant and deterministic.
        sleep: async (ms: number) => double.clock.advance(ms),
        random: () => 0.5,
        ...options.services,
      },
    });
}
