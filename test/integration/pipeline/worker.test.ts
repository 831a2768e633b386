import { CloudFormationClient, CreateStackCommand } from "@aws-sdk/client-cloudformation";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, expect, it, vi } from "vitest";
import { ARTIFACT_SECRET, ARTIFACT_SESSION, startCodePipelineDouble, type CodePipelineDouble } from "../../../doubles/codepipeline/index.js";
import { createCodePipelineApi } from "../../../src/lib/aws/codepipeline.js";
import { createAwsClientFactory } from "../../../src/lib/aws/factory.js";
import { interrupts } from "../../helpers/in-process.js";
import { describeWithMoto, motoClientConfig } from "../../helpers/moto.js";
import { cli, postPipeline } from "./world.js";

const TYPE = "Test/Custom/IntegrationTests/1";
const dir = mkdtempSync(join(tmpdir(), "awsblog-worker-"));

describeWithMoto("pipeline worker (the post's integration-test step)", (moto) => {
  let double: CodePipelineDouble;
  let run: ReturnType<typeof cli>;
  beforeAll(async () => {
    double = await startCodePipelineDouble();
    run = cli(double, moto().url);
    const cfn = new CloudFormationClient(motoClientConfig(moto().url));
    // The post's app stack exports ApiUrl (and the test stack TestFunction).
    await cfn.send(
      new CreateStackCommand({
        StackName: "TimeService-beta",
        TemplateBody: JSON.stringify({
          Resources: { Topic: { Type: "AWS::SNS::Topic" } },
          Outputs: { ApiUrl: { Value: "https://beta.example.com/time" }, "Test-Function": { Value: "TimeService-beta-tests" } },
        }),
      }),
    );
  });
  afterAll(() => double.stop());
  beforeEach(() => double.received.splice(0));

  let n = 0;
  /** A run of the post's pipeline, stopped at Beta's IntegrationTest job. */
  function atBetaTests(stack = "TimeService-beta") {
    const name = `TimeService${++n}`;
    const spec = postPipeline(name);
    spec.stages[3]!.actions[1]!.configuration = { StackName: stack, TestSuite: "smoke" };
    double.addPipeline(spec);
    const id = double.start(name);
    double.runUntilBlocked(id);
    expect(double.execution(id)).toMatchObject({ stage: "Beta", action: "IntegrationTest" });
    return { name, id };
  }

  const script = (body: string) => ["node", "-e", body];

  it("runs the command with the job context, config and stack outputs; success reports the last stdout line", async () => {
    const { name, id } = atBetaTests();
    const envFile = join(dir, "env.json");
    const result = await run(
      [
        "pipeline", "worker", "--action-type", TYPE, "--once", "-o", "json", "--debug", "--",
        ...script(`
          const fs = require("fs");
          const pick = Object.fromEntries(Object.entries(process.env).filter(([k]) => /^(CODEPIPELINE_|CONFIG_|STACK_)/.test(k) || /ARTIFACT/i.test(k + process.env[k])));
          fs.writeFileSync(${JSON.stringify(envFile)}, JSON.stringify({ env: pick, argv: process.argv.slice(1) }));
          console.log("running smoke tests against " + process.env.STACK_ApiUrl);
          console.log("\\u001b[32mall 12 tests passed\\u001b[0m");
        `),
        "--", "--once", "extra",
      ],
    );
    expect(result.stderr).not.toMatch(/^awsblog:/m);
    expect(result.code).toBe(0);
    const job = double.jobs.find((j) => j.pipeline === name)!;
    expect(result.json()).toEqual({ jobId: job.id, pipeline: name, stage: "Beta", action: "IntegrationTest", result: "succeeded", exitCode: 0 });
    // AWS received: acknowledged with the nonce it handed out, then the success summary.
    expect(double.calls("AcknowledgeJob")).toEqual([{ jobId: job.id, nonce: job.nonce }]);
    expect(double.calls("PutJobSuccessResult")).toEqual([{ jobId: job.id, executionDetails: { summary: "all 12 tests passed", percentComplete: 100 } }]);
    expect(double.execution(id)).toMatchObject({ stage: "Gamma" });

    const seen = JSON.parse(readFileSync(envFile, "utf8")) as { env: Record<string, string>; argv: string[] };
    expect(seen.env).toEqual({
      CODEPIPELINE_PIPELINE: name,
      CODEPIPELINE_STAGE: "Beta",
      CODEPIPELINE_ACTION: "IntegrationTest",
      CODEPIPELINE_EXECUTION_ID: id,
      CODEPIPELINE_JOB_ID: job.id,
      CONFIG_StackName: "TimeService-beta",
      CONFIG_TestSuite: "smoke",
      STACK_ApiUrl: "https://beta.example.com/time",
      STACK_Test_Function: "TimeService-beta-tests",
    });
    // Arguments after -- reach the command untouched, --once included.
    expect(seen.argv).toEqual(["--once", "extra"]);
    // The job's artifact credentials appear nowhere: not in env, output, or --debug logs.
    for (const text of [result.stdout, result.stderr, readFileSync(envFile, "utf8")]) {
      expect(text).not.toContain(ARTIFACT_SECRET);
      expect(text).not.toContain(ARTIFACT_SESSION);
    }
    expect(result.stderr).toContain("[debug] → CodePipeline.PollForJobs");
  });

  it("a failing command reports JobFailed with its exit code and stderr tail; --once exits 1", async () => {
    const { name, id } = atBetaTests();
    const result = await run([
      "pipeline", "worker", "--action-type", TYPE, "--once", "-o", "json", "--",
      ...script(`console.log("ran 12 tests"); console.error("expected 200, got 502 from /time/Europe/Berlin"); process.exit(3);`),
    ]);
    expect(result.code).toBe(1);
    expect(result.json()).toMatchObject({ pipeline: name, result: "failed", exitCode: 3 });
    expect(result.stderr).toMatch(/^awsblog: the job failed — /m);
    const sent = double.calls("PutJobFailureResult");
    expect(sent).toEqual([
      { jobId: expect.any(String), failureDetails: { type: "JobFailed", message: "exit code 3; stderr:\nexpected 200, got 502 from /time/Europe/Berlin" } },
    ]);
    expect(double.calls("PutJobSuccessResult")).toHaveLength(0);
    expect(double.execution(id).status).toBe("Failed");
  });

  it("a stack that does not exist fails the job without running the command", async () => {
    atBetaTests("NoSuchStack");
    const marker = join(dir, "ran-missing-stack");
    const result = await run(["pipeline", "worker", "--action-type", TYPE, "--once", "-o", "json", "--", ...script(`require("fs").writeFileSync(${JSON.stringify(marker)}, "x")`)]);
    expect(result.code).toBe(1);
    expect(result.json()).toMatchObject({ result: "failed", exitCode: null });
    const message = (double.calls("PutJobFailureResult")[0]!.failureDetails as { message: string }).message;
    expect(message).toMatch(/^could not read the outputs of stack NoSuchStack: CloudFormation DescribeStacks failed: ValidationError/);
    expect(() => readFileSync(marker)).toThrow();
  });

  it("no job waiting: --once polls once and exits 0 with no output", async () => {
    const result = await run(["pipeline", "worker", "--action-type", "Test/Custom/Nothing/1", "--once", "--", "true"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("");
    expect(double.calls("PollForJobs")).toEqual([{ actionTypeId: { category: "Test", owner: "Custom", provider: "Nothing", version: "1" }, maxBatchSize: 1 }]);
  });

  it("--timeout stops the command and reports the job failed", async () => {
    atBetaTests();
    const result = await run(["pipeline", "worker", "--action-type", TYPE, "--once", "--timeout", "1", "-o", "json", "--", ...script("setInterval(() => {}, 1000)")]);
    expect(result.code).toBe(1);
    expect(result.json()).toMatchObject({ result: "failed" });
    expect((double.calls("PutJobFailureResult")[0]!.failureDetails as { message: string }).message).toBe("timed out after 1 s");
  });

  it("Ctrl-C while a job runs: the command is stopped, the job reported failed, exit 130", async () => {
    const { id } = atBetaTests();
    const keys = interrupts();
    const running = run(["pipeline", "worker", "--action-type", TYPE, "-o", "json", "--", ...script("setInterval(() => {}, 1000)")], { interrupts: keys });
    await vi.waitFor(() => expect(double.jobs.find((j) => j.run.pipelineExecutionId === id)?.status).toBe("InProgress"), { timeout: 10_000, interval: 20 });
    keys.interrupt();
    const result = await running;
    expect(result.code).toBe(130);
    expect(result.json()).toMatchObject({ result: "failed" });
    expect((double.calls("PutJobFailureResult")[0]!.failureDetails as { message: string }).message).toMatch(/^interrupted: the worker was stopped \(Ctrl-C\)/);
    expect(double.execution(id).status).toBe("Failed");
  });

  it("in text mode prints one line per job and reports the command's last output line", async () => {
    const { name } = atBetaTests();
    const result = await run(["pipeline", "worker", "--action-type", TYPE, "--once", "--", process.execPath, "-e", "console.log('smoke ok against ' + process.env.STACK_ApiUrl)"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^succeeded  ${name} Beta/IntegrationTest  job [0-9a-f-]+  \\(exit 0\\)\\n$`));
    expect(double.calls("PutJobSuccessResult")[0]).toMatchObject({ executionDetails: { summary: "smoke ok against https://beta.example.com/time" } });
  });

  it("two workers got the same job: the one whose nonce is stale skips it (InvalidNonceException), nothing reported", async () => {
    const { id } = atBetaTests();
    const aws = createAwsClientFactory({ region: "us-east-1", endpointUrl: double.url, userAgent: { name: "awsblog", version: "test" } });
    const real = await createCodePipelineApi(aws);
    const marker = join(dir, "ran-stolen");
    const result = await run(["pipeline", "worker", "--action-type", TYPE, "--once", "--", ...script(`require("fs").writeFileSync(${JSON.stringify(marker)}, "x")`)], {
      services: {
        codepipeline: async () => ({
          ...real,
          async pollForJobs(type, max) {
            const jobs = await real.pollForJobs(type, max);
            // Another worker polls the same job right after us and acknowledges it first.
            const [other] = await real.pollForJobs(type, max);
            await real.acknowledgeJob(other!.id, other!.nonce);
            return jobs;
          },
        }),
      },
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/skipped .* Beta\/IntegrationTest job [0-9a-f-]+: InvalidNonceException/);
    expect(() => readFileSync(marker)).toThrow();
    expect(double.calls("PutJobSuccessResult")).toHaveLength(0);
    expect(double.calls("PutJobFailureResult")).toHaveLength(0);
    expect(double.jobs.find((j) => j.run.pipelineExecutionId === id)?.status).toBe("InProgress");
  });

  it("bad input is exit 2 before any call", async () => {
    for (const [args, message] of [
      [["pipeline", "worker", "--", "true"], /--action-type is required/],
      [["pipeline", "worker", "--action-type", "Test/AWS/CodeBuild/1", "--", "true"], /only custom actions \(owner Custom\) hand out jobs/],
      [["pipeline", "worker", "--action-type", "Test/Custom/x"], /is not Category\/Owner\/Provider\/Version/],
      [["pipeline", "worker", "--action-type", TYPE], /no command to run for each job — put it after --/],
      [["pipeline", "worker", "--action-type", TYPE, "--timeout", "0", "--", "true"], /--timeout must be a whole number/],
    ] as [string[], RegExp][]) {
      const result = await run(args);
      expect(result.code, args.join(" ")).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stderr.trim().split("\n")).toHaveLength(1);
    }
    expect(double.received).toHaveLength(0);
  });
});
