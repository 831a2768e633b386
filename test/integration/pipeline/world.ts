import type { PipelineSpec } from "../../../doubles/codepipeline/index.js";
import type { CodePipelineDouble } from "../../../doubles/codepipeline/index.js";
import { awsblog, type InProcessOptions } from "../../helpers/in-process.js";

/** The seed post's pipeline: Source → Build → DeployTests → Beta → Gamma → Prod (approval first). */
export const TEST_ACTION = { category: "Test", owner: "Custom", provider: "IntegrationTests", version: "1" };

export function postPipeline(name = "TimeService", executionMode: PipelineSpec["executionMode"] = "SUPERSEDED"): PipelineSpec {
  const stageTests = (stack: string) => ({ name: "IntegrationTest", ...TEST_ACTION, configuration: { StackName: stack, TestSuite: "smoke" } });
  return {
    name,
    executionMode,
    stages: [
      { name: "Source", actions: [{ name: "Source", category: "Source", provider: "CodeCommit" }] },
      { name: "Build", actions: [{ name: "Build" }] },
      { name: "DeployTests", actions: [{ name: "DeployTests", category: "Deploy", provider: "CloudFormation" }] },
      { name: "Beta", actions: [{ name: "Deploy", category: "Deploy", provider: "CloudFormation" }, stageTests(`${name}-beta`)] },
      { name: "Gamma", actions: [{ name: "Deploy", category: "Deploy", provider: "CloudFormation" }, stageTests(`${name}-gamma`)] },
      {
        name: "Prod",
        actions: [
          { name: "PrepareChangeSet", category: "Deploy", provider: "CloudFormation" },
          {
            name: "ApproveProd",
            category: "Approval",
            provider: "Manual",
            configuration: { CustomData: "Check the Gamma dashboard before approving", ExternalEntityLink: "https://example.com/gamma" },
          },
          { name: "Deploy", category: "Deploy", provider: "CloudFormation" },
        ],
      },
    ],
  };
}

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
