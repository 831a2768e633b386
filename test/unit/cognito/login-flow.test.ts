import { describe, expect, it } from "vitest";
import type { AuthStep, CognitoApi } from "../../../src/lib/aws/cognito.js";
import { runLogin, type LoginRequest } from "../../../src/lib/cognito/login-flow.js";
import { secretHash } from "../../../src/lib/cognito/secret-hash.js";
import { FailureError, UsageError } from "../../../src/lib/errors.js";

/** A scripted Cognito: answers each call with the next step and records what it was sent. */
function scripted(steps: AuthStep[]) {
  const sent: { op: string; input: Record<string, unknown> }[] = [];
  const next = () => {
    const step = steps.shift();
    if (!step) throw new Error("unexpected call");
    return step;
  };
  const api = {
    async initiateAuth(input) {
      sent.push({ op: "InitiateAuth", input });
      return next();
    },
    async respondToAuthChallenge(input) {
      sent.push({ op: "RespondToAuthChallenge", input });
      return next();
    },
  } as Pick<CognitoApi, "initiateAuth" | "respondToAuthChallenge"> as CognitoApi;
  return { api, sent };
}

const TOKENS: AuthStep = { challengeParameters: {}, tokens: { idToken: "id.jwt.x", accessToken: "acc.jwt.x", refreshToken: "ref", expiresIn: 3600 } };
const SUB = "7d4f1c2e-1b0a-4c3d-9e8f-0a1b2c3d4e5f";

function request(overrides: Partial<LoginRequest> = {}): LoginRequest {
  return {
    clientId: "client123",
    username: "jdoe@example.com",
    userPoolId: "us-east-1_Pool1",
    flow: "srp",
    password: "pw",
    secrets: {
      newPassword: async () => "new-pw",
      code: async (_label, flag) => flag ?? "000000",
    },
    srp: { randomBytes: () => Buffer.alloc(128, 0x42), now: () => new Date("2026-11-05T09:04:05Z") },
    ...overrides,
  };
}

describe("runLogin", () => {
  it("hashes the typed name for InitiateAuth and USER_ID_FOR_SRP for every later step", async () => {
    const { api, sent } = scripted([
      { challengeName: "PASSWORD_VERIFIER", session: "s1", challengeParameters: { USER_ID_FOR_SRP: SUB, USERNAME: SUB, SRP_B: "ab12", SALT: "cd34", SECRET_BLOCK: "QUJD" } },
      { challengeName: "SOFTWARE_TOKEN_MFA", session: "s2", challengeParameters: {} },
      TOKENS,
    ]);
    const outcome = await runLogin(api, request({ clientSecret: "shh", mfaCode: "123456" }));
    expect(outcome.challenges).toEqual(["PASSWORD_VERIFIER", "SOFTWARE_TOKEN_MFA"]);
    expect(outcome.challengeUsername).toBe(SUB);

    const [init, verifier, mfa] = sent;
    expect(init!.input).toMatchObject({ authFlow: "USER_SRP_AUTH", parameters: { USERNAME: "jdoe@example.com", SECRET_HASH: secretHash("shh", "jdoe@example.com", "client123") } });
    expect(verifier!.input).toMatchObject({
      challengeName: "PASSWORD_VERIFIER",
      session: "s1",
      responses: { USERNAME: SUB, PASSWORD_CLAIM_SECRET_BLOCK: "QUJD", TIMESTAMP: "Thu Nov 5 09:04:05 UTC 2026", SECRET_HASH: secretHash("shh", SUB, "client123") },
    });
    expect(mfa!.input).toMatchObject({
      challengeName: "SOFTWARE_TOKEN_MFA",
      session: "s2",
      responses: { USERNAME: SUB, SOFTWARE_TOKEN_MFA_CODE: "123456", SECRET_HASH: secretHash("shh", SUB, "client123") },
    });
  });

  it("sends no SECRET_HASH when the client has no secret, and the password only in USER_PASSWORD_AUTH", async () => {
    const { api, sent } = scripted([TOKENS]);
    await runLogin(api, request({ flow: "password", userPoolId: undefined }));
    expect(sent[0]!.input).toEqual({ clientId: "client123", authFlow: "USER_PASSWORD_AUTH", parameters: { USERNAME: "jdoe@example.com", PASSWORD: "pw" } });

    const srp = scripted([
      { challengeName: "PASSWORD_VERIFIER", session: "s", challengeParameters: { USER_ID_FOR_SRP: "jdoe", SRP_B: "ab", SALT: "cd", SECRET_BLOCK: "QQ==" } },
      TOKENS,
    ]);
    await runLogin(srp.api, request());
    for (const call of srp.sent) expect(JSON.stringify(call.input)).not.toMatch(/SECRET_HASH|"pw"/);
  });

  it("answers NEW_PASSWORD_REQUIRED with the new password and the challenge's USERNAME", async () => {
    const { api, sent } = scripted([{ challengeName: "NEW_PASSWORD_REQUIRED", session: "s", challengeParameters: { USERNAME: "jdoe", requiredAttributes: "[]" } }, TOKENS]);
    await runLogin(api, request({ flow: "password", username: "JDoe" }));
    expect(sent[1]!.input).toMatchObject({ responses: { USERNAME: "jdoe", NEW_PASSWORD: "new-pw" } });
  });

  it("refuses NEW_PASSWORD_REQUIRED that also needs attributes, naming them", async () => {
    const { api } = scripted([{ challengeName: "NEW_PASSWORD_REQUIRED", session: "s", challengeParameters: { requiredAttributes: '["userAttributes.name"]' } }]);
    await expect(runLogin(api, request({ flow: "password" }))).rejects.toThrow(/userAttributes\.name/);
  });

  it("answers SMS_MFA and picks the authenticator app for SELECT_MFA_TYPE", async () => {
    const { api, sent } = scripted([
      { challengeName: "SELECT_MFA_TYPE", session: "a", challengeParameters: { MFAS_CAN_CHOOSE: '["SMS_MFA","SOFTWARE_TOKEN_MFA"]' } },
      { challengeName: "SMS_MFA", session: "b", challengeParameters: { CODE_DELIVERY_DESTINATION: "+*******1234" } },
      TOKENS,
    ]);
    await runLogin(api, request({ flow: "password", mfaCode: "777777" }));
    expect(sent[1]!.input).toMatchObject({ responses: { ANSWER: "SOFTWARE_TOKEN_MFA" } });
    expect(sent[2]!.input).toMatchObject({ responses: { SMS_MFA_CODE: "777777", USERNAME: "jdoe@example.com" } });
  });

  it("names an unsupported challenge in a one-line failure (exit 1)", async () => {
    const { api } = scripted([{ challengeName: "CUSTOM_CHALLENGE", session: "s", challengeParameters: {} }]);
    const error = await runLogin(api, request({ flow: "password" })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FailureError);
    expect((error as FailureError).message).toMatch(/CUSTOM_CHALLENGE/);
    expect((error as FailureError).exitCode).toBe(1);
  });

  it("needs a pool id for SRP before any call", async () => {
    const { api, sent } = scripted([]);
    await expect(runLogin(api, request({ userPoolId: undefined }))).rejects.toBeInstanceOf(UsageError);
    expect(sent).toEqual([]);
  });

  it("fails on a PASSWORD_VERIFIER challenge that lacks SRP_B", async () => {
    const { api } = scripted([{ challengeName: "PASSWORD_VERIFIER", session: "s", challengeParameters: { USER_ID_FOR_SRP: "u", SALT: "01", SECRET_BLOCK: "QQ==" } }]);
    await expect(runLogin(api, request())).rejects.toThrow(/lacks SRP_B/);
  });

  it("a PASSWORD_VERIFIER with values Cognito never sends (non-hex SRP_B, B = 0) is a failure with a hint, not an unexpected error", async () => {
    for (const SRP_B of ["zz-not-hex", "0"]) {
      const { api } = scripted([{ challengeName: "PASSWORD_VERIFIER", session: "s", challengeParameters: { USER_ID_FOR_SRP: "u", SRP_B, SALT: "01", SECRET_BLOCK: "QQ==" } }]);
      const error = await runLogin(api, request()).catch((e: unknown) => e);
      expect(error, SRP_B).toBeInstanceOf(FailureError);
      expect((error as FailureError).message).toMatch(/PASSWORD_VERIFIER challenge could not be answered/);
      expect((error as FailureError).hint).toMatch(/retry/);
    }
  });
});

describe("secretHash", () => {
  it("is Base64(HMAC-SHA256(secret, username + clientId))", () => {
    // Python: base64.b64encode(hmac.new(b"secret", b"jdoeclient", hashlib.sha256).digest())
    expect(secretHash("secret", "jdoe", "client")).toBe("VOSESiBwKvcMZg9OizXU8wg2TGS6RhoITHYBwyX6UjM=");
  });
});
