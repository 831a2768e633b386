import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import { awsJsonError, listenLoopback, readBody } from "./aws-json.js";

/**
 * BatchGetBuilds for builds a test declares. moto 5.2.1 has CodeBuild, but its BatchGetBuilds
 * reports every build SUCCEEDED with every phase SUCCEEDED (and adds the phases again on each
 * call), and its `logs` carry no groupName/streamName (the ARN says `log-group:null`): a failed
 * build with a readable log cannot come from it. This double answers the awsJson1_1 protocol
 * (X-Amz-Target CodeBuild_20161006.BatchGetBuilds) with the builds as declared: status, phases
 * with their context messages, and the log group/stream (the log events themselves live in
 * moto's CloudWatch Logs). Ids it does not know go to `buildsNotFound`, as CodeBuild does.
 */
export interface DeclaredBuild {
  id: string;
  status: "SUCCEEDED" | "FAILED" | "FAULT" | "TIMED_OUT" | "IN_PROGRESS" | "STOPPED";
  /** The phase that ended the build and why (phases before it succeeded). */
  failedPhase?: { type: string; status?: string; message?: string };
  logs?: { groupName: string; streamName: string };
}

export interface CodeBuildDouble {
  url: string;
  addBuild(build: DeclaredBuild): void;
  /** The next n requests are answered AccessDeniedException. */
  denyNext(count: number): void;
  calls(): Record<string, unknown>[];
  stop(): Promise<void>;
}

const PHASES = ["SUBMITTED", "QUEUED", "PROVISIONING", "DOWNLOAD_SOURCE", "INSTALL", "PRE_BUILD", "BUILD", "POST_BUILD", "UPLOAD_ARTIFACTS", "FINALIZING", "COMPLETED"];

export async function startCodeBuildDouble(): Promise<CodeBuildDouble> {
  const builds = new Map<string, DeclaredBuild>();
  const received: Record<string, unknown>[] = [];
  let deny = 0;
  const server = createServer((req, res) => {
    void readBody(req).then((text) => {
      const target = String(req.headers["x-amz-target"] ?? "");
      if (target !== "CodeBuild_20161006.BatchGetBuilds") return awsJsonError(res, "UnknownOperationException", `unsupported target ${target}`);
      if (deny > 0) {
        deny--;
        return awsJsonError(res, "AccessDeniedException", "User: arn:aws:iam::123456789012:user/ci is not authorized to perform: codebuild:BatchGetBuilds");
      }
      const body = JSON.parse(text || "{}") as { ids?: string[] };
      received.push(body);
      const ids = body.ids ?? [];
      if (ids.length < 1 || ids.length > 100) return awsJsonError(res, "InvalidInputException", "ids: length must be between 1 and 100");
      const found = ids.filter((id) => builds.has(id)).map((id) => render(builds.get(id)!));
      res.writeHead(200, { "content-type": "application/x-amz-json-1.1", "x-amzn-requestid": randomUUID() });
      res.end(JSON.stringify({ builds: found, buildsNotFound: ids.filter((id) => !builds.has(id)) }));
    });
  });
  const listening = await listenLoopback(server);
  return {
    url: listening.url,
    addBuild: (build) => void builds.set(build.id, build),
    denyNext: (count) => void (deny += count),
    calls: () => received,
    stop: listening.stop,
  };
}

function render(build: DeclaredBuild) {
  const start = Date.parse("2026-12-01T12:00:00Z") / 1000;
  const last = build.failedPhase ? PHASES.indexOf(build.failedPhase.type) : PHASES.length - 1;
  const phases = PHASES.slice(0, last + 1).map((type, i) => ({
    phaseType: type,
    phaseStatus: i === last && build.failedPhase ? (build.failedPhase.status ?? "FAILED") : "SUCCEEDED",
    startTime: start + i,
    endTime: start + i + 1,
    ...(i === last && build.failedPhase?.message ? { contexts: [{ statusCode: "COMMAND_EXECUTION_ERROR", message: build.failedPhase.message }] } : {}),
  }));
  const [project] = build.id.split(":");
  return {
    id: build.id,
    arn: `arn:aws:codebuild:us-east-1:123456789012:build/${build.id}`,
    projectName: project,
    buildStatus: build.status,
    currentPhase: "COMPLETED",
    buildComplete: build.status !== "IN_PROGRESS",
    startTime: start,
    phases,
    logs: build.logs
      ? {
          groupName: build.logs.groupName,
          streamName: build.logs.streamName,
          deepLink: `https://console.aws.amazon.com/cloudwatch/home?region=us-east-1#logEvent:group=${encodeURIComponent(build.logs.groupName)};stream=${encodeURIComponent(build.logs.streamName)}`,
          cloudWatchLogs: { status: "ENABLED" },
        }
      : { cloudWatchLogs: { status: "DISABLED" } },
  };
}
