import type { PipelineSpec } from "./types.js";

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
