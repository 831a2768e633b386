import type { CallerStsApi } from "../../../src/lib/aws/sts-caller.js";

/** The caller's STS for an org run over the caller's own account only: any AssumeRole is a test bug. */
export function callerOnlySts(account: string): CallerStsApi {
  return {
    callerIdentity: async () => ({ account, arn: `arn:aws:iam::${account}:user/ops` }),
    region: async () => "us-east-1",
    assumeRole: async () => {
      throw new Error("no member account in this run");
    },
  };
}
