import { GetFunctionCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { createHash } from "node:crypto";
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createAwsClientFactory } from "../../../src/lib/aws/factory.js";
import { createLambdaDeployApi } from "../../../src/lib/aws/lambda-deploy.js";
import { describeWithMoto, motoClientConfig } from "../../helpers/moto.js";
import { tempDir } from "../../unit/package/helpers.js";
import { awsblogIn } from "../package/world.js";

/** deploy against moto: create, then update code and configuration; state checked in moto. */
const ROLE = "arn:aws:iam::123456789012:role/awsblog-lambda";
let dir: string;
let cleanup: () => void;
const sha = (path: string) => createHash("sha256").update(readFileSync(path)).digest("base64");

beforeAll(async () => {
  ({ dir, cleanup } = tempDir());
  copyFileSync("/bin/true", join(dir, "app"));
  for (const [zip, extra] of [["v1.zip", []], ["v2.zip", ["--include", "notes.txt"]]] as const) {
    writeFileSync(join(dir, "notes.txt"), "v2\n");
    const run = await awsblogIn(dir, ["package", "go", "--entry", "app", "--name", "api", "--out", zip, ...extra]);
    expect(run.code, run.stderr).toBe(0);
  }
});
afterAll(() => cleanup());

/** moto checks that the execution role exists; IAM's query API needs no SDK client. */
async function createRole(url: string): Promise<void> {
  const body = new URLSearchParams({
    Action: "CreateRole",
    Version: "2010-05-08",
    RoleName: "awsblog-lambda",
    AssumeRolePolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] }),
  });
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", authorization: "AWS4-HMAC-SHA256 Credential=test/20250101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0" },
    body,
  });
  if (!res.ok) throw new Error(`CreateRole → ${res.status}: ${await res.text()}`);
}

describeWithMoto("awsblog deploy on moto", (moto) => {
  /** Deploys in-process; `calls` counts the Lambda operations moto received from this run. */
  const deployCli = async (args: string[], output = ["-o", "json"]) => {
    const aws = createAwsClientFactory({ region: "us-east-1", endpointUrl: moto().url, userAgent: { name: "awsblog", version: "test" } });
    const run = await awsblogIn(dir, ["deploy", "--endpoint-url", moto().url, "--function-name", "hello-go", ...args, ...output], { services: { lambdaDeploy: () => createLambdaDeployApi(aws) } });
    return { ...run, calls: Object.fromEntries(aws.calls) };
  };
  const lambda = () => new LambdaClient(motoClientConfig(moto().url));

  it("refuses to create without --role (exit 2) and creates nothing", async () => {
    await moto().reset();
    const run = await deployCli(["--zip", "v1.zip"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^awsblog: function hello-go does not exist and --role was not given — pass --role/m);
    await expect(lambda().send(new GetFunctionCommand({ FunctionName: "hello-go" }))).rejects.toMatchObject({ name: "ResourceNotFoundException" });
  });

  it("creates the function, then updates its code and changed settings", async () => {
    await moto().reset();
    await createRole(moto().url);
    const created = await deployCli(["--zip", "v1.zip", "--role", ROLE, "--memory", "256", "--timeout", "10"]);
    expect(created.code, created.stderr).toBe(0);
    expect(created.json()).toMatchObject({
      action: "created",
      functionArn: "arn:aws:lambda:us-east-1:123456789012:function:hello-go",
      codeSha256: sha(join(dir, "v1.zip")),
      runtime: "nodejs20.x",
      handler: "api.handler",
      architecture: "x86_64",
      state: "Active",
    });
    expect(created.calls).toEqual({ "Lambda.GetFunctionConfiguration": 2, "Lambda.CreateFunction": 1 });
    const afterCreate = (await lambda().send(new GetFunctionCommand({ FunctionName: "hello-go" }))).Configuration;
    expect(afterCreate).toMatchObject({ Runtime: "nodejs20.x", Handler: "api.handler", MemorySize: 256, Timeout: 10, Role: ROLE, Architectures: ["x86_64"], CodeSha256: sha(join(dir, "v1.zip")) });

    const updated = await deployCli(["--zip", "v2.zip", "--timeout", "30", "--memory", "256"]);
    expect(updated.code, updated.stderr).toBe(0);
    expect(updated.json()).toMatchObject({ action: "updated", codeSha256: sha(join(dir, "v2.zip")), configurationChanged: ["timeout"] });
    expect(updated.calls).toMatchObject({ "Lambda.UpdateFunctionCode": 1, "Lambda.UpdateFunctionConfiguration": 1 });
    const afterUpdate = (await lambda().send(new GetFunctionCommand({ FunctionName: "hello-go" }))).Configuration;
    expect(afterUpdate).toMatchObject({ Timeout: 30, MemorySize: 256, CodeSha256: sha(join(dir, "v2.zip")) });
    expect(sha(join(dir, "v2.zip"))).not.toBe(sha(join(dir, "v1.zip")));
  });

  it("prints the ARN and CodeSha256 as text", async () => {
    const run = await deployCli(["--zip", "v1.zip"], []);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain("functionArn: arn:aws:lambda:us-east-1:123456789012:function:hello-go");
    expect(run.stdout).toContain(`codeSha256:  ${sha(join(dir, "v1.zip"))}`);
  });
});
