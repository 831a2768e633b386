import { CreateFunctionCommand, GetFunctionCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createAwsClientFactory } from "../../../src/lib/aws/factory.js";
import { createLambdaDeployApi } from "../../../src/lib/aws/lambda-deploy.js";
import { describeWithMoto, motoClientConfig } from "../../helpers/moto.js";
import { tempDir } from "../../unit/package/helpers.js";
import { awsblogIn } from "../package/world.js";
import { createRole, ROLE } from "./world.js";

/** deploy against moto: create, then update code and configuration; state checked in moto. */
/** The command's clock: Node.js 20 is past Lambda's update block (2026-09-30), Node.js 24 is the newest. */
const TODAY = new Date("2026-12-06T09:00:00Z");
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
  // A go1.x-era binary: an ELF with aws-lambda-go in its Go build info (the bytes migrate reads).
  const elf = readFileSync("/bin/true");
  writeFileSync(join(dir, "main"), Buffer.concat([elf, Buffer.from("\ndep\tgithub.com/aws/aws-lambda-go\tv1.47.0\th1:abc=\n")]), { mode: 0o755 });
  writeFileSync(join(dir, "config.json"), '{"greeting":"hi"}\n');
  execFileSync("zip", ["-q", "-X", "go1x.zip", "main", "config.json"], { cwd: dir });
  execFileSync("zip", ["-q", "-X", "plain.zip", "app"], { cwd: dir });
  // The program stands in for one that speaks the Runtime API: only the layout matters to deploy.
  const boot = await awsblogIn(dir, ["package", "go", "--entry", "app", "--runtime", "provided.al2023", "--runtime-api", "--out", "bootstrap.zip"]);
  expect(boot.code, boot.stderr).toBe(0);
});
afterAll(() => cleanup());

describeWithMoto("awsblog deploy on moto", (moto) => {
  /** Deploys in-process; `calls` counts the Lambda operations moto received from this run. */
  const deployCli = async (args: string[], output = ["-o", "json"], now = TODAY) => {
    const aws = createAwsClientFactory({ region: "us-east-1", endpointUrl: moto().url, userAgent: { name: "awsblog", version: "test" } });
    const run = await awsblogIn(dir, ["deploy", "--endpoint-url", moto().url, "--function-name", "hello-go", ...args, ...output], { services: { lambdaDeploy: () => createLambdaDeployApi(aws) }, now: () => now });
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
      runtime: "nodejs24.x",
      handler: "api.handler",
      architecture: "x86_64",
      state: "Active",
    });
    expect(created.calls).toEqual({ "Lambda.GetFunctionConfiguration": 2, "Lambda.CreateFunction": 1 });
    const afterCreate = (await lambda().send(new GetFunctionCommand({ FunctionName: "hello-go" }))).Configuration;
    expect(afterCreate).toMatchObject({ Runtime: "nodejs24.x", Handler: "api.handler", MemorySize: 256, Timeout: 10, Role: ROLE, Architectures: ["x86_64"], CodeSha256: sha(join(dir, "v1.zip")) });

    const updated = await deployCli(["--zip", "v2.zip", "--timeout", "30", "--memory", "256"]);
    expect(updated.code, updated.stderr).toBe(0);
    expect(updated.json()).toMatchObject({ action: "updated", codeSha256: sha(join(dir, "v2.zip")), configurationChanged: ["timeout"] });
    expect(updated.calls).toMatchObject({ "Lambda.UpdateFunctionCode": 1, "Lambda.UpdateFunctionConfiguration": 1 });
    const afterUpdate = (await lambda().send(new GetFunctionCommand({ FunctionName: "hello-go" }))).Configuration;
    expect(afterUpdate).toMatchObject({ Timeout: 30, MemorySize: 256, CodeSha256: sha(join(dir, "v2.zip")) });
    expect(sha(join(dir, "v2.zip"))).not.toBe(sha(join(dir, "v1.zip")));
  });

  it("judges runtimes by the command's clock: warns on a deprecated one, refuses a blocked one, moves it with --runtime", async () => {
    await moto().reset();
    await createRole(moto().url);
    const config = async () => (await lambda().send(new GetFunctionCommand({ FunctionName: "hello-go" }))).Configuration;

    // Before Node.js 24 reached Lambda, the newest runtime was nodejs22.x.
    const early = await deployCli(["--zip", "v1.zip", "--role", ROLE], ["-o", "json"], new Date("2025-06-01T00:00:00Z"));
    expect(early.code, early.stderr).toBe(0);
    expect(await config()).toMatchObject({ Runtime: "nodejs22.x" });

    // Put it on nodejs20.x while Lambda still allowed that (deprecated: a warning).
    const may = new Date("2026-06-01T00:00:00Z");
    const onTwenty = await deployCli(["--zip", "v1.zip", "--runtime", "nodejs20.x"], ["-o", "json"], may);
    expect(onTwenty.code, onTwenty.stderr).toBe(0);
    expect(onTwenty.stderr).toContain("warning: --runtime nodejs20.x: nodejs20.x is deprecated since 2026-04-30");
    expect(await config()).toMatchObject({ Runtime: "nodejs20.x", CodeSha256: sha(join(dir, "v1.zip")) });

    // Today its updates are blocked: refused before any change, naming what to pass.
    const refused = await deployCli(["--zip", "v2.zip"]);
    expect(refused.code).toBe(2);
    expect(refused.stderr.trim()).toBe("awsblog: function hello-go runs nodejs20.x: Lambda blocks updating functions on nodejs20.x since 2026-09-30 (deprecated 2026-04-30) — pass --runtime nodejs24.x (nothing was changed)");
    expect(refused.calls).toEqual({ "Lambda.GetFunctionConfiguration": 1 });
    expect(await config()).toMatchObject({ Runtime: "nodejs20.x", CodeSha256: sha(join(dir, "v1.zip")) });

    // With the runtime to move to, the configuration goes first, then the code.
    const moved = await deployCli(["--zip", "v2.zip", "--runtime", "nodejs24.x"]);
    expect(moved.code, moved.stderr).toBe(0);
    expect(moved.json()).toMatchObject({ action: "updated", runtime: "nodejs24.x", configurationChanged: ["runtime"] });
    expect(moved.stderr.indexOf("updating configuration: runtime")).toBeLessThan(moved.stderr.indexOf("updating code of hello-go"));
    expect(await config()).toMatchObject({ Runtime: "nodejs24.x", CodeSha256: sha(join(dir, "v2.zip")) });
  });

  it("prints the ARN and CodeSha256 as text", async () => {
    const run = await deployCli(["--zip", "v1.zip"], []);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain("functionArn: arn:aws:lambda:us-east-1:123456789012:function:hello-go");
    expect(run.stdout).toContain(`codeSha256:  ${sha(join(dir, "v1.zip"))}`);
  });
  it("deploys a provided.al2023 bootstrap zip, and moves a go1.x function to it only when asked", async () => {
    await moto().reset();
    await createRole(moto().url);
    const config = async (name: string) => (await lambda().send(new GetFunctionCommand({ FunctionName: name }))).Configuration;
    const created = await deployCli(["--zip", "bootstrap.zip", "--function-name", "hello-al2023", "--role", ROLE]);
    expect(created.code, created.stderr).toBe(0);
    expect(await config("hello-al2023")).toMatchObject({ Runtime: "provided.al2023", Handler: "bootstrap", Architectures: ["x86_64"], CodeSha256: sha(join(dir, "bootstrap.zip")) });

    // A go1.x function, as AWS left them: its updates have been blocked since 2024-03-12.
    await lambda().send(new CreateFunctionCommand({ FunctionName: "legacy-go", Runtime: "go1.x", Handler: "app", Role: ROLE, Code: { ZipFile: readFileSync(join(dir, "v1.zip")) } }));
    const refused = await deployCli(["--zip", "bootstrap.zip", "--function-name", "legacy-go"]);
    expect(refused.code).toBe(2);
    expect(refused.stderr.trim()).toBe("awsblog: function legacy-go runs go1.x, but a bootstrap zip needs an OS-only runtime — pass --runtime provided.al2023 (runtime, handler and architecture switch in this deploy)");
    expect(await config("legacy-go")).toMatchObject({ Runtime: "go1.x", Handler: "app" });

    const moved = await deployCli(["--zip", "bootstrap.zip", "--function-name", "legacy-go", "--runtime", "provided.al2023"]);
    expect(moved.code, moved.stderr).toBe(0);
    expect(moved.json()).toMatchObject({ action: "updated", runtime: "provided.al2023", handler: "bootstrap", configurationChanged: ["runtime", "handler"] });
    expect(moved.calls).toMatchObject({ "Lambda.UpdateFunctionConfiguration": 1, "Lambda.UpdateFunctionCode": 1 });
    expect(await config("legacy-go")).toMatchObject({ Runtime: "provided.al2023", Handler: "bootstrap", Architectures: ["x86_64"], CodeSha256: sha(join(dir, "bootstrap.zip")) });
  });
  it("package migrate: a go1.x function's code becomes a provided.al2023 zip, and --deploy switches the function", async () => {
    await moto().reset();
    await createRole(moto().url);
    const original = readFileSync(join(dir, "go1x.zip"));
    await lambda().send(new CreateFunctionCommand({ FunctionName: "legacy-mig", Runtime: "go1.x", Handler: "main", Role: ROLE, Code: { ZipFile: original } }));
    // moto's code Location is not served: a double answers the presigned URL with the zip it was given.
    const fetched: string[] = [];
    const fetchDouble = (async (url: string | URL | Request) => {
      fetched.push(String(url));
      return new Response(original, { status: 200, headers: { "content-length": String(original.length) } });
    }) as typeof fetch;
    const aws = createAwsClientFactory({ region: "us-east-1", endpointUrl: moto().url, userAgent: { name: "awsblog", version: "test" } });
    const run = await awsblogIn(dir, ["package", "migrate", "--function-name", "legacy-mig", "--out", "migrated.zip", "--deploy", "-o", "json"], { services: { lambdaDeploy: () => createLambdaDeployApi(aws), fetch: fetchDouble, sleep: async () => {} }, now: () => TODAY });
    expect(run.code, run.stderr).toBe(0);
    expect(fetched).toHaveLength(1);
    expect(fetched[0]).toMatch(/^https:\/\/awslambda-us-east-1-tasks\.s3\.us-east-1\.amazonaws\.com\//);
    expect(run.json()).toMatchObject({ from: { functionName: "legacy-mig", runtime: "go1.x", handler: "main" }, binary: "main", awsLambdaGo: "v1.47.0", architecture: "x86_64", deployed: { runtime: "provided.al2023", handler: "bootstrap", configurationChanged: ["runtime", "handler"] } });
    const listing = execFileSync("unzip", ["-Z1", join(dir, "migrated.zip")], { encoding: "utf8" }).trim().split("\n");
    expect(listing).toEqual(["awsblog-bootstrap.json", "bootstrap", "config.json"]);
    expect(execFileSync("unzip", ["-p", join(dir, "migrated.zip"), "bootstrap"]).equals(readFileSync(join(dir, "main")))).toBe(true);
    const after = (await lambda().send(new GetFunctionCommand({ FunctionName: "legacy-mig" }))).Configuration;
    expect(after).toMatchObject({ Runtime: "provided.al2023", Handler: "bootstrap", Architectures: ["x86_64"], CodeSha256: sha(join(dir, "migrated.zip")) });

    // From a zip on disk: the same bytes, nothing deployed.
    const fromZip = await awsblogIn(dir, ["package", "migrate", "--zip", "go1x.zip", "--out", "migrated-2.zip", "-o", "json"]);
    expect(fromZip.code, fromZip.stderr).toBe(0);
    expect(sha(join(dir, "migrated-2.zip"))).toBe(sha(join(dir, "migrated.zip")));
  });

  it("package migrate refuses a binary without aws-lambda-go, naming the per-invocation alternative (exit 2)", async () => {
    const run = await awsblogIn(dir, ["package", "migrate", "--zip", "plain.zip", "--out", "x.zip"]);
    expect(run.code).toBe(2);
    expect(run.stderr.trim()).toBe("awsblog: app does not link aws-lambda-go, so it cannot answer the Runtime API as bootstrap — package it with: awsblog package go --entry app --runtime provided.al2023 (a bootstrap runs it per invocation)");
    const both = await awsblogIn(dir, ["package", "migrate", "--zip", "plain.zip", "--function-name", "f", "--out", "x.zip"]);
    expect(both.stderr.trim()).toMatch(/^awsblog: pass --function-name <go1\.x function> or --zip <go1\.x zip>, one of them/);
  });
});
