import { BatchGetBuildsCommand, CodeBuildClient } from "@aws-sdk/client-codebuild";
import type { AwsClientFactory } from "./factory.js";

/** The CodeBuild call a failed pipeline's explanation makes: BatchGetBuilds, as plain data. */
export interface BuildPhaseView {
  type: string;
  status?: string;
  /** The phase's first context message (why it failed). */
  message?: string;
}

export interface BuildView {
  id: string;
  status: string;
  currentPhase?: string;
  phases: BuildPhaseView[];
  /** Where the build's CloudWatch log is (absent when the project logs elsewhere or not at all). */
  logGroup?: string;
  logStream?: string;
  logLink?: string;
}

export interface CodeBuildApi {
  /** At most 100 ids per call (CodeBuild's limit); ids CodeBuild does not know are left out. */
  batchGetBuilds(ids: string[], signal?: AbortSignal): Promise<BuildView[]>;
}

export async function createCodeBuildApi(aws: AwsClientFactory): Promise<CodeBuildApi> {
  const client = await aws.client(CodeBuildClient);
  return {
    async batchGetBuilds(ids, signal) {
      const out = await client.send(new BatchGetBuildsCommand({ ids }), { abortSignal: signal });
      return (out.builds ?? []).map((b) => ({
        id: b.id ?? "",
        status: b.buildStatus ?? "UNKNOWN",
        currentPhase: b.currentPhase,
        phases: (b.phases ?? []).map((p) => ({
          type: p.phaseType ?? "",
          status: p.phaseStatus,
          message: p.contexts?.map((c) => c.message).find((m) => m),
        })),
        logGroup: b.logs?.groupName || undefined,
        logStream: b.logs?.streamName || undefined,
        logLink: b.logs?.deepLink || undefined,
      }));
    },
  };
}
