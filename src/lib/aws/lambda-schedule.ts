import { AddPermissionCommand, DeleteFunctionCommand, GetPolicyCommand, LambdaClient, RemovePermissionCommand } from "@aws-sdk/client-lambda";
import { AwsError } from "../errors.js";
import type { AwsClientFactory } from "./factory.js";

/** The Lambda calls `tags schedule` adds to lambda-deploy's: the invoke permission, and removal. */
export interface LambdaScheduleApi {
  /** The function's resource policy statements (empty when it has none). */
  policyStatements(name: string, signal?: AbortSignal): Promise<{ sid: string; principal?: string; sourceArn?: string }[]>;
  allowInvoke(name: string, statementId: string, principal: string, sourceArn: string, signal?: AbortSignal): Promise<void>;
  removePermission(name: string, statementId: string, signal?: AbortSignal): Promise<void>;
  /** false when there was nothing to delete. */
  deleteFunction(name: string, signal?: AbortSignal): Promise<boolean>;
}

export async function createLambdaScheduleApi(aws: AwsClientFactory): Promise<LambdaScheduleApi> {
  const client = await aws.client(LambdaClient);
  const notFound = (error: unknown) => error instanceof AwsError && error.code === "ResourceNotFoundException";
  return {
    async policyStatements(name, signal) {
      try {
        const out = await client.send(new GetPolicyCommand({ FunctionName: name }), { abortSignal: signal });
        const doc = JSON.parse(out.Policy ?? "{}") as { Statement?: { Sid?: string; Principal?: { Service?: string } | string; Condition?: { ArnLike?: Record<string, string> } }[] };
        return (doc.Statement ?? []).map((st) => ({
          sid: st.Sid ?? "",
          principal: typeof st.Principal === "string" ? st.Principal : st.Principal?.Service,
          sourceArn: st.Condition?.ArnLike?.["AWS:SourceArn"],
        }));
      } catch (error) {
        if (notFound(error)) return [];
        throw error;
      }
    },
    async allowInvoke(name, statementId, principal, sourceArn, signal) {
      await client.send(
        new AddPermissionCommand({ FunctionName: name, StatementId: statementId, Action: "lambda:InvokeFunction", Principal: principal, SourceArn: sourceArn }),
        { abortSignal: signal },
      );
    },
    async removePermission(name, statementId, signal) {
      try {
        await client.send(new RemovePermissionCommand({ FunctionName: name, StatementId: statementId }), { abortSignal: signal });
      } catch (error) {
        if (!notFound(error)) throw error;
      }
    },
    async deleteFunction(name, signal) {
      try {
        await client.send(new DeleteFunctionCommand({ FunctionName: name }), { abortSignal: signal });
        return true;
      } catch (error) {
        if (notFound(error)) return false;
        throw error;
      }
    },
  };
}
