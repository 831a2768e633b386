import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CloudWatchLogsClient, CreateLogGroupCommand, CreateLogStreamCommand, PutLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { CodeBuildClient, CreateProjectCommand } from "@aws-sdk/client-codebuild";
import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import { startCodeBuildDouble, type CodeBuildDouble } from "../../../doubles/codebuild.js";
import { startCodePipelineDouble, type CodePipelineDouble, type PipelineSpec } from "../../../doubles/codepipeline/index.js";
import { describeWithMoto, motoClientConfig } from "../../helpers/moto.js";
import { cli } from "./world.js";

/**
 * A failed run explains itself: CodePipeline from the double, the build from the CodeBuild
 * double (moto's BatchGetBuilds cannot serve a failed build with a log — the last test shows what
 * it does), the build's log events from moto's CloudWatch Logs.
 */
let pipelines: CodePipelineDouble;
let builds: CodeBuildDouble;
beforeAll(async () => {
  pipelines = await startCodePipelineDouble({ advanceOnPoll: true });
  builds = await startCodeBuildDouble();
});
afterAll(async () => {
  await pipelines.stop();
  await builds.stop();
});
beforeEach(() => pipelines.received.splice(0));

let n = 0;
const LOG_GROUP = "/aws/codebuild/web-build";
const buildPipeline = (name: string, buildId: string, failureMessage = "Build terminated with state: FAILED"): PipelineSpec => ({
  name,
  stages: [
    { name: "Source", actions: [{ name: "Source", category: "Source", provider: "CodeCommit" }] },
    { name: "Build", actions: [{ name: "Build", provider: "CodeBuild", fails: true, failureMessage, externalExecutionId: buildId }] },
    { name: "Deploy", actions: [{ name: "Deploy", category: "Deploy", provider: "CloudFormation" }] },
  ],
});

describeWithMoto("a failed pipeline run explains itself", (moto) => {
  const logLines = Array.from({ length: 40 }, (_, i) => `line ${i + 1}`);
  const env = () => ({ AWS_ENDPOINT_URL_CODEBUILD: builds.url, AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: moto().url });
  /** A failed build whose log (40 lines, the last an npm error) is in moto. */
  const failedBuild = async (withLog = true) => {
    const id = `web-build:${crypto.randomUUID()}`;
    const stream = id.split(":")[1]!;
    if (withLog) {
      const logs = new CloudWatchLogsClient(motoClientConfig(moto().url));
      await logs.send(new CreateLogGroupCommand({ logGroupName: LOG_GROUP })).catch(() => undefined);
      await logs.send(new CreateLogStreamCommand({ logGroupName: LOG_GROUP, logStreamName: stream }));
      const at = Date.parse("2026-12-01T12:00:00Z");
      await logs.send(new PutLogEventsCommand({ logGroupName: LOG_GROUP, logStreamName: stream, logEvents: logLines.map((message, i) => ({ timestamp: at + i, message: `${message}\n` })) }));
      logs.destroy();
    }
    builds.addBuild({ id, status: "FAILED", failedPhase: { type: "BUILD", message: "Error while executing command: npm test. Reason: exit status 1" }, logs: { groupName: LOG_GROUP, streamName: stream } });
    return id;
  };

  it("start --wait: the failed action, its message, link, build phase and the last 30 log lines; the console link", async () => {
    const name = `fail-${++n}`;
    const buildId = await failedBuild();
    pipelines.addPipeline(buildPipeline(name, buildId));
    const result = await cli(pipelines)(["pipeline", "start", name, "--wait", "-o", "json"], { env: env() });
    expect(result.code).toBe(1);
    const doc = result.json<{ executionId: string }>();
    expect(doc).toEqual({
      pipeline: name,
      executionId: expect.any(String),
      status: "Failed",
      consoleUrl: `https://us-east-1.console.aws.amazon.com/codesuite/codepipeline/pipelines/${name}/executions/${doc.executionId}/timeline?region=us-east-1`,
      failedActions: [
        {
          stage: "Build",
          action: "Build",
          summary: "Build terminated with state: FAILED",
          url: `https://console.aws.amazon.com/codebuild/home?region=us-east-1#/builds/${encodeURIComponent(buildId)}/view/new`,
          build: {
            id: buildId,
            status: "FAILED",
            phase: "BUILD",
            phaseStatus: "FAILED",
            phaseMessage: "Error while executing command: npm test. Reason: exit status 1",
            logLink: expect.stringContaining("logEvent:group="),
          },
          logTail: logLines.slice(10),
        },
      ],
    });
    expect(builds.calls().at(-1)).toEqual({ ids: [buildId] });
    // What the CI log shows, without another command.
    expect(result.stderr).toContain("failed: Build/Build — Build terminated with state: FAILED");
    expect(result.stderr).toContain(`  build ${buildId} failed in phase BUILD (FAILED): Error while executing command: npm test. Reason: exit status 1`);
    expect(result.stderr).toContain("  last 30 log line(s):\n    line 11\n");
    expect(result.stderr).toContain(`console: ${(doc as { consoleUrl?: string }).consoleUrl}`);
    expect(result.stderr).toMatch(/awsblog: fail-\d+ \S+ ended Failed at Build\/Build: Build terminated with state: FAILED — retry the stage with `awsblog pipeline retry fail-\d+ --stage Build`\n$/);
    expect(result.stderr).not.toContain("::group::");
  });

  it("--log-lines 5 shows five; 0 reads no log", async () => {
    const name = `fail-${++n}`;
    const buildId = await failedBuild();
    pipelines.addPipeline(buildPipeline(name, buildId));
    const five = await cli(pipelines)(["pipeline", "start", name, "--wait", "--log-lines", "5", "-o", "json"], { env: env() });
    expect(five.json<{ failedActions: { logTail: string[] }[] }>().failedActions[0]!.logTail).toEqual(["line 36", "line 37", "line 38", "line 39", "line 40"]);
    const none = await cli(pipelines)(["pipeline", "watch", name, "--log-lines", "0", "-o", "json"], { env: env() });
    expect(none.code).toBe(1);
    expect(none.json<{ failedActions: Record<string, unknown>[] }>().failedActions[0]).not.toHaveProperty("logTail");
  });

  it("a build that cannot be read (denied) or a log that is gone (expired) is a warning; the exit code stays 1", async () => {
    const name = `fail-${++n}`;
    const buildId = await failedBuild(false); // the log stream does not exist (expired)
    pipelines.addPipeline(buildPipeline(name, buildId));
    const expired = await cli(pipelines)(["pipeline", "start", name, "--wait", "-o", "json"], { env: env() });
    expect(expired.code).toBe(1);
    expect(expired.json<{ failedActions: Record<string, unknown>[] }>().failedActions[0]).toMatchObject({ stage: "Build", build: { id: buildId, phase: "BUILD" } });
    expect(expired.json<{ failedActions: Record<string, unknown>[] }>().failedActions[0]).not.toHaveProperty("logTail");
    expect(expired.stderr).toMatch(new RegExp(`warning: could not read the log of build ${buildId} \\(/aws/codebuild/web-build \\S+\\): CloudWatchLogs GetLogEvents failed: ResourceNotFoundException`));

    builds.denyNext(1);
    const denied = await cli(pipelines)(["pipeline", "watch", name, "-o", "json"], { env: env() });
    expect(denied.code).toBe(1);
    expect(denied.json<{ failedActions: Record<string, unknown>[] }>().failedActions).toEqual([
      { stage: "Build", action: "Build", summary: "Build terminated with state: FAILED", url: expect.any(String) },
    ]);
    expect(denied.stderr).toMatch(new RegExp(`warning: could not read build ${buildId}: CodeBuild BatchGetBuilds failed: AccessDeniedException`));
  });

  it("pipeline status explains the failed action the same way (exit 0: status reports)", async () => {
    const name = `fail-${++n}`;
    const buildId = await failedBuild();
    pipelines.addPipeline(buildPipeline(name, buildId));
    const id = pipelines.start(name);
    pipelines.runUntilBlocked(id);
    const result = await cli(pipelines)(["pipeline", "status", name, "--log-lines", "3", "-o", "json"], { env: env() });
    expect(result.code).toBe(0);
    expect(result.json<{ failedActions: unknown[] }>().failedActions).toEqual([
      expect.objectContaining({ stage: "Build", action: "Build", build: expect.objectContaining({ id: buildId, phase: "BUILD" }), logTail: ["line 38", "line 39", "line 40"] }),
    ]);
    const text = await cli(pipelines)(["pipeline", "status", name, "--log-lines", "3"], { env: env() });
    expect(text.stdout).toContain("failed: Build/Build — Build terminated with state: FAILED\n");
    expect(text.stdout).toContain("    line 40");
  });

  it("GitHub Actions: progress in a group, one ::error per failed action (escaped), the job summary appended to $GITHUB_STEP_SUMMARY", async () => {
    const name = `fail-${++n}`;
    const buildId = await failedBuild();
    pipelines.addPipeline(buildPipeline(name, buildId, "100% broken\nsee: the log, please"));
    const folder = mkdtempSync(join(tmpdir(), "awsblog-gha-"));
    const summary = join(folder, "summary.md");
    writeFileSync(summary, "earlier step\n");
    const result = await cli(pipelines)(["pipeline", "start", name, "--wait", "--log-lines", "2", "-o", "json"], {
      env: { ...env(), GITHUB_ACTIONS: "true", GITHUB_STEP_SUMMARY: summary },
    });
    expect(result.code).toBe(1);
    const lines = result.stderr.split("\n");
    const open = lines.indexOf(lines.find((l) => l.startsWith("::group::pipeline "))!);
    const close = lines.indexOf("::endgroup::");
    expect(open).toBeGreaterThanOrEqual(0);
    expect(close).toBeGreaterThan(open);
    expect(lines.slice(open + 1, close)).toContain(`${name}: Build InProgress`);
    const errors = lines.filter((l) => l.startsWith("::error"));
    expect(errors).toEqual([
      `::error title=Build/Build failed::100%25 broken%0Asee: the log, please%0Abuild ${buildId} failed in phase BUILD: Error while executing command: npm test. Reason: exit status 1%0Ahttps://console.aws.amazon.com/codebuild/home?region=us-east-1#/builds/${encodeURIComponent(buildId).replace("%", "%25")}/view/new%0Alast log lines:%0Aline 39%0Aline 40`,
    ]);
    const markdown = readFileSync(summary, "utf8");
    expect(markdown.startsWith("earlier step\n### Pipeline " + name + ": Failed\n")).toBe(true);
    // Durations on the double's clock, which our paced waits move.
    expect(markdown).toMatch(/\| Stage \| Status \| Duration \|\n\| --- \| --- \| --- \|\n\| Source \| Succeeded \| \d+s \|\n\| Build \| Failed \| \d+s \|\n/);
    expect(markdown).toContain(`- **Build/Build**: 100% broken see: the log, please ([details](https://console.aws.amazon.com/codebuild/home?region=us-east-1#/builds/${encodeURIComponent(buildId)}/view/new))`);
    expect(markdown).toContain("  ```text\n  line 39\n  line 40\n  ```");
    expect(markdown).toContain(`/codesuite/codepipeline/pipelines/${name}/executions/`);
  });

  it("GitHub Actions on success: the summary lists the stages; no ::error", async () => {
    const name = `ok-${++n}`;
    pipelines.addPipeline({ name, stages: [{ name: "Build", actions: [{ name: "Build" }] }, { name: "Deploy", actions: [{ name: "Deploy", category: "Deploy", provider: "CloudFormation" }] }] });
    const summary = join(mkdtempSync(join(tmpdir(), "awsblog-gha-")), "summary.md");
    const result = await cli(pipelines)(["pipeline", "start", name, "--wait"], { env: { GITHUB_ACTIONS: "true", GITHUB_STEP_SUMMARY: summary } });
    expect(result.code).toBe(0);
    expect(result.stderr).not.toContain("::error");
    const markdown = readFileSync(summary, "utf8");
    expect(markdown).toContain(`### Pipeline ${name}: Succeeded`);
    expect(markdown).toContain("| Build | Succeeded |");
    expect(markdown).toContain("| Deploy | Succeeded |");
    expect(markdown).not.toContain("Failed actions");
  });

  it("moto's own CodeBuild answers BatchGetBuilds in a form the SDK cannot read: a warning, the failure is still explained, exit 1", async () => {
    const codebuild = new CodeBuildClient(motoClientConfig(moto().url));
    await codebuild.send(
      new CreateProjectCommand({
        name: "moto-build",
        source: { type: "S3", location: "sources/app.zip" },
        artifacts: { type: "NO_ARTIFACTS" },
        environment: { type: "LINUX_CONTAINER", image: "aws/codebuild/standard:7.0", computeType: "BUILD_GENERAL1_SMALL" },
        serviceRole: "arn:aws:iam::123456789012:role/codebuild",
      }),
    );
    codebuild.destroy();
    // moto sends the build's times as ISO strings where CodeBuild sends epoch seconds: the SDK
    // cannot read its StartBuild answer, so the build is started with a plain request.
    const started = await fetch(moto().url, {
      method: "POST",
      headers: { "x-amz-target": "CodeBuild_20161006.StartBuild", "content-type": "application/x-amz-json-1.1", authorization: "AWS4-HMAC-SHA256 Credential=test/20261201/us-east-1/codebuild/aws4_request" },
      body: JSON.stringify({ projectName: "moto-build" }),
    });
    const buildId = ((await started.json()) as { build: { id: string } }).build.id;
    const name = `fail-${++n}`;
    pipelines.addPipeline(buildPipeline(name, buildId));
    const result = await cli(pipelines)(["pipeline", "start", name, "--wait", "-o", "json"], { env: { ...env(), AWS_ENDPOINT_URL_CODEBUILD: moto().url } });
    expect(result.code).toBe(1);
    // moto 5.2.1 sends startTime/endTime as ISO strings (CodeBuild: epoch seconds), always
    // SUCCEEDED with no log group/stream: the SDK rejects the answer, so the build is not shown.
    expect(result.json<{ failedActions: unknown[] }>().failedActions).toEqual([
      { stage: "Build", action: "Build", summary: "Build terminated with state: FAILED", url: expect.stringContaining("/builds/moto-build%3A") },
    ]);
    expect(result.stderr).toContain(`warning: could not read build ${buildId}: `);
    expect(result.stderr).toContain("failed: Build/Build — Build terminated with state: FAILED");
  });
});
