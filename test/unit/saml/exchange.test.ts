import { describe, expect, it } from "vitest";
import type { CognitoIdentityApi } from "../../../src/lib/aws/cognito-identity.js";
import type { SamlStsApi } from "../../../src/lib/aws/sts-saml.js";
import { AwsError } from "../../../src/lib/errors.js";
import { assumeWithSaml, exchangeWithIdentityPool, identityPoolRegion } from "../../../src/lib/saml/exchange.js";
import type { SamlRole } from "../../../src/lib/saml/roles.js";

const role: SamlRole = { roleArn: "arn:aws:iam::123456789012:role/Dev", principalArn: "arn:aws:iam::123456789012:saml-provider/ADFS", accountId: "123456789012", roleName: "Dev" };
const NOW = new Date("2026-12-02T04:00:00Z");
const creds = (seconds: number) => ({ accessKeyId: "ASIA", secretAccessKey: "s", sessionToken: "t", expiration: new Date(NOW.getTime() + seconds * 1000) });
const tooLong = () => new AwsError("STS", "AssumeRoleWithSAML", "ValidationError", "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.");

describe("assumeWithSaml", () => {
  it("steps 43200 → 3600 → 900 on 'exceeds the MaxSessionDuration', and reports what was granted", async () => {
    const asked: number[] = [];
    const sts: SamlStsApi = {
      async assumeRoleWithSaml(input) {
        asked.push(input.durationSeconds);
        if (input.durationSeconds > 900) throw tooLong();
        return { credentials: creds(900) };
      },
    };
    const out = await assumeWithSaml(sts, role, "b64", 43_200);
    expect(asked).toEqual([43_200, 3600, 900]);
    expect(out).toMatchObject({ durationSeconds: 900, requestedSeconds: 43_200 });
  });

  it("does not retry other validation errors, and gives up below 900", async () => {
    let calls = 0;
    const other: SamlStsApi = {
      async assumeRoleWithSaml() {
        calls++;
        throw new AwsError("STS", "AssumeRoleWithSAML", "ValidationError", "1 validation error detected: Value at 'roleArn' failed");
      },
    };
    await expect(assumeWithSaml(other, role, "b64", 3600)).rejects.toThrow(/roleArn/);
    expect(calls).toBe(1);
    const always: SamlStsApi = { assumeRoleWithSaml: async () => Promise.reject(tooLong()) };
    await expect(assumeWithSaml(always, role, "b64", 900)).rejects.toThrow(/MaxSessionDuration/);
  });
});

describe("exchangeWithIdentityPool", () => {
  it("sends the SAMLResponse under the provider ARN to GetId and GetCredentialsForIdentity, with the role as CustomRoleArn", async () => {
    const seen: unknown[] = [];
    const api: CognitoIdentityApi = {
      async getId(input) {
        seen.push(["GetId", input]);
        return "us-east-1:abc";
      },
      async getCredentialsForIdentity(input) {
        seen.push(["GetCredentialsForIdentity", input]);
        return creds(3600);
      },
    };
    const out = await exchangeWithIdentityPool(api, "us-east-1:0c4e2f3a-1111-2222-3333-444455556666", role, "PHNhbWw=", NOW);
    const logins = { [role.principalArn]: "PHNhbWw=" };
    expect(seen).toEqual([
      ["GetId", { identityPoolId: "us-east-1:0c4e2f3a-1111-2222-3333-444455556666", logins }],
      ["GetCredentialsForIdentity", { identityId: "us-east-1:abc", logins, customRoleArn: role.roleArn }],
    ]);
    expect(out).toMatchObject({ identityId: "us-east-1:abc", durationSeconds: 3600 });
  });

  it("reads the pool's region from its id", () => {
    expect(identityPoolRegion("eu-west-1:0c4e2f3a-1111-2222-3333-444455556666")).toBe("eu-west-1");
    expect(() => identityPoolRegion("0c4e2f3a")).toThrow(/not an identity pool id/);
  });
});
