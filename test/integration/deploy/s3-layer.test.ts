import { CreateBucketCommand, HeadObjectCommand, ListMultipartUploadsCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { GetFunctionConfigurationCommand, LambdaClient, ListLayerVersionsCommand } from "@aws-sdk/client-lambda";
import { createHash, randomBytes } from "node:crypto";
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, truncateSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { createAwsClientFactory } from "../../../src/lib/aws/factory.js";
import { createLambdaDeployApi } from "../../../src/lib/aws/lambda-deploy.js";
import { createS3Api } from "../../../src/lib/aws/s3.js";
import { extractZip } from "../../../src/lib/package/extract.js";
import { splitForLayer } from "../../../src/lib/package/layer-split.js";
import { runBootstrap } from "../../../src/lib/package/run-bootstrap.js";
import { verifyZip } from "../../../src/lib/package/verify.js";
import { interrupts } from "../../helpers/in-process.js";
import { describeWithMoto, motoClientConfig } from "../../helpers/moto.js";
import { awsblogIn, makeWorkspace, type Workspace } from "../package/world.js";
import { createRole, ROLE } from "./world.js";

/** deploy --s3-bucket (multipart, checksummed, content-addressed) and --layer, on moto. */
const TODAY = new Date("2026-12-06T09:00:00Z");
let ws: Workspace;
const sha = (path: string) => createHash("sha256").update(readFileSync(path)).digest();

beforeAll(async () => {
  ws = makeWorkspace();
  // 12 MiB that deflate cannot shrink: the zip needs two 8 MiB parts.
  writeFileSync(join(ws.dir, "noise.bin"), randomBytes(12 * 1024 * 1024));
  for (const [out, flags] of [
    ["big.zip", [...ws.flags.go, "--include", "noise.bin"]],
    ["go.zip", ws.flags.go],
    ["php.zip", ws.flags.php],
    ["php-boot.zip", ["package", "php", "--entry", "handler.php", "--runtime-dir", "php-rt", "--runtime", "provided.al2023"]],
  ] as const) {
    if (out === "php-boot.zip") writeFileSync(join(ws.dir, "handler.php"), "<?php\nfunction handler($event, $context) { return ['layered' => $event['n'] ?? null, 'php' => PHP_VERSION]; }\n");
    const run = await awsblogIn(ws.dir, [...flags, "--out", out]);
    expect(run.code, run.stderr).toBe(0);
  }
  // A zip Lambda would refuse as a direct upload: only its size is read before refusing.
  writeFileSync(join(ws.dir, "huge.zip"), "");
  truncateSync(join(ws.dir, "huge.zip"), 51 * 1024 * 1024);
}, 120_000);
afterAll(() => ws.cleanup());

describeWithMoto("awsblog deploy --s3-bucket and --layer on moto", (moto) => {
  const deployCli = async (args: string[]) => {
    const aws = createAwsClientFactory({ region: "us-east-1", endpointUrl: moto().url, userAgent: { name: "awsblog", version: "test" } });
    const run = await awsblogIn(ws.dir, ["deploy", "--endpoint-url", moto().url, ...args, "-o", "json"], {
      services: { lambdaDeploy: () => createLambdaDeployApi(aws), s3: () => createS3Api(aws), sleep: async () => {} },
      now: () => TODAY,
    });
    return { ...run, calls: Object.fromEntries(aws.calls) };
  };
  const s3 = () => new S3Client({ ...motoClientConfig(moto().url), forcePathStyle: true });
  const lambda = () => new LambdaClient(motoClientConfig(moto().url));

  it("uploads in checksummed parts to a content-addressed key, deploys from it, and does not upload the same zip twice", async () => {
    await moto().reset();
    await createRole(moto().url);
    await s3().send(new CreateBucketCommand({ Bucket: "artifacts" }));
    const digest = sha(join(ws.dir, "big.zip"));
    const key = `awsblog/hello-big/${digest.toString("hex")}.zip`;

    const created = await deployCli(["--zip", "big.zip", "--function-name", "hello-big", "--role", ROLE, "--s3-bucket", "artifacts"]);
    expect(created.code, created.stderr).toBe(0);
    expect(created.json()).toMatchObject({ action: "created", codeSha256: digest.toString("base64"), s3: { bucket: "artifacts", key, uploaded: true, parts: 2 } });
    expect(created.calls).toMatchObject({ "S3.HeadObject": 1, "S3.CreateMultipartUpload": 1, "S3.UploadPart": 2, "S3.CompleteMultipartUpload": 1, "Lambda.CreateFunction": 1 });
    const object = await s3().send(new HeadObjectCommand({ Bucket: "artifacts", Key: key, ChecksumMode: "ENABLED" }));
    expect(object.ContentLength).toBe(readFileSync(join(ws.dir, "big.zip")).length);
    expect(object.ChecksumSHA256).toBeTruthy();
    const config = await lambda().send(new GetFunctionConfigurationCommand({ FunctionName: "hello-big" }));
    expect(config.CodeSha256).toBe(digest.toString("base64"));

    // The same zip again: one HeadObject finds it; nothing is sent, the code is updated from it.
    const again = await deployCli(["--zip", "big.zip", "--function-name", "hello-big", "--s3-bucket", "artifacts"]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.json()).toMatchObject({ action: "updated", s3: { key, uploaded: false, parts: 0 } });
    expect(again.calls["S3.UploadPart"]).toBeUndefined();
    expect(again.calls["S3.PutObject"]).toBeUndefined();
    expect(again.calls).toMatchObject({ "S3.HeadObject": 1, "Lambda.UpdateFunctionCode": 1 });
    expect(again.stderr).toContain(`s3://artifacts/${key} is already uploaded`);
  });

  it("a small zip with --s3-bucket and --s3-key: one PutObject", async () => {
    await moto().reset();
    await createRole(moto().url);
    await s3().send(new CreateBucketCommand({ Bucket: "artifacts" }));
    const run = await deployCli(["--zip", "go.zip", "--function-name", "small", "--role", ROLE, "--s3-bucket", "artifacts", "--s3-key", "builds/small.zip"]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.json()).toMatchObject({ s3: { bucket: "artifacts", key: "builds/small.zip", uploaded: true, parts: 1 } });
    expect(run.calls).toMatchObject({ "S3.PutObject": 1 });
    expect(run.calls["S3.CreateMultipartUpload"]).toBeUndefined();
  });

  it("refuses what it can before any AWS call (exit 2)", async () => {
    const cases: [string[], RegExp][] = [
      [["--zip", "huge.zip", "--function-name", "f"], /^awsblog: --zip huge\.zip is 51\.0 MB: above the 50 MB direct-upload limit — pass --s3-bucket <bucket> to deploy it through S3/],
      [["--zip", "go.zip", "--function-name", "f", "--s3-key", "k.zip"], /^awsblog: --s3-key needs --s3-bucket — add --s3-bucket <bucket>/],
      [["--zip", "go.zip", "--function-name", "f", "--s3-bucket", "s3://artifacts"], /^awsblog: --s3-bucket s3:\/\/artifacts: not an S3 bucket name/],
      [["--zip", "go.zip", "--function-name", "f", "--layer", "arn:aws:lambda:us-east-1:1:layer:x"], /^awsblog: --layer arn:aws:lambda:us-east-1:1:layer:x: not a layer name/],
      [["--zip", "go.zip", "--function-name", "f", "--layer", "rt"], /^awsblog: --layer: go\.zip has no runtime dir to publish as a layer \(a Go program carries its own\) — deploy it without --layer/],
    ];
    for (const [args, message] of cases) {
      const run = await deployCli(args);
      expect(run.code, run.stderr).toBe(2);
      expect(run.stderr).toMatch(message);
      expect(run.calls).toEqual({});
    }
  });

  it("--layer publishes the runtime dir once, points the function at it, and reuses it while unchanged", async () => {
    await moto().reset();
    await createRole(moto().url);
    const created = await deployCli(["--zip", "php.zip", "--function-name", "hello-php", "--role", ROLE, "--layer", "php-runtime", "--no-verify"]);
    expect(created.code, created.stderr).toBe(0);
    const layerArn = "arn:aws:lambda:us-east-1:123456789012:layer:php-runtime:1";
    expect(created.json()).toMatchObject({ action: "created", layer: { name: "php-runtime", versionArn: layerArn, version: 1, published: true } });
    const body = created.json() as { codeSha256: string; layer: { zippedBytes: number } };
    expect(body.codeSha256).not.toBe(sha(join(ws.dir, "php.zip")).toString("base64"));
    expect(body.layer.zippedBytes).toBeGreaterThan(readFileSync(join(ws.dir, "php.zip")).length / 2);
    const config = await lambda().send(new GetFunctionConfigurationCommand({ FunctionName: "hello-php" }));
    expect(config.Layers?.map((l) => l.Arn)).toEqual([layerArn]);
    expect(config.CodeSha256).toBe(body.codeSha256);

    // Same zip: the layer's bytes are the same (reproducible), so no new version is published.
    const again = await deployCli(["--zip", "php.zip", "--function-name", "hello-php", "--layer", "php-runtime", "--no-verify"]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.json()).toMatchObject({ action: "updated", codeSha256: body.codeSha256, configurationChanged: [], layer: { versionArn: layerArn, published: false } });
    expect(again.calls["Lambda.PublishLayerVersion"]).toBeUndefined();
    const versions = await lambda().send(new ListLayerVersionsCommand({ LayerName: "php-runtime" }));
    expect(versions.LayerVersions).toHaveLength(1);
  });
});

/** Splits a zip as deploy --layer does and extracts both halves: the task root and /opt. */
async function splitAndExtract(zip: string, work: string) {
  const split = await splitForLayer(zip, await verifyZip(zip), work);
  const fn = join(work, "fn");
  const opt = join(work, "opt");
  mkdirSync(fn);
  mkdirSync(opt);
  await extractZip(split.function.path, fn);
  await extractZip(split.layer.path, opt);
  return { split, fn, opt };
}

describe("a zip split by --layer runs with the layer where Lambda puts it", () => {
  let work: string;
  beforeEach(async () => {
    work = await mkdtemp(join(tmpdir(), "awsblog-split-"));
  });
  afterEach(async () => {
    vi.unstubAllEnvs();
    await rm(work, { recursive: true, force: true });
  });

  it("the Node.js wrapper finds php in the layer root", async () => {
    const { split, fn, opt } = await splitAndExtract(join(ws.dir, "php.zip"), work);
    expect(split.runtimeDir).toBe("php-rt");
    expect(execFileSync("unzip", ["-Z1", split.function.path], { encoding: "utf8" }).trim().split("\n").sort()).toEqual(["echo.php", "php.js"]);
    expect(execFileSync("unzip", ["-Z1", split.layer.path], { encoding: "utf8" }).trim().split("\n")).toEqual(["php-rt/bin/php"]);
    vi.stubEnv("AWSBLOG_LAYER_ROOT", opt);
    const { handler } = createRequire(join(fn, "index.cjs"))(join(fn, "php.js")) as { handler: (e: unknown, c: unknown) => Promise<unknown> };
    const deadline = Date.now() + 10_000;
    const result = await handler({ n: 7 }, { getRemainingTimeInMillis: () => deadline - Date.now(), awsRequestId: "t" });
    expect(result).toEqual({ lang: "php", args: 0, echo: { n: 7 } });
  });

  it("the provided.al2023 bootstrap starts php from the layer root and serves invocations", async () => {
    const { fn, opt } = await splitAndExtract(join(ws.dir, "php-boot.zip"), work);
    const run = await runBootstrap({ dir: fn, layerRoot: opt, events: [{ n: 1 }, { n: 2 }], timeoutMs: 10_000, functionName: "layered", handler: "bootstrap", hostEnv: { PATH: process.env.PATH } });
    expect(run.invocations.map((i) => i.result ?? i.error)).toEqual([{ layered: 1, php: expect.any(String) }, { layered: 2, php: expect.any(String) }]);
  });
});

describeWithMoto("Ctrl-C during deploy --s3-bucket", (moto) => {
  it("aborts the multipart upload: exit 130, no parts or object left, no function", async () => {
    await moto().reset();
    await createRole(moto().url);
    const client = new S3Client({ ...motoClientConfig(moto().url), forcePathStyle: true });
    await client.send(new CreateBucketCommand({ Bucket: "artifacts" }));
    const aws = createAwsClientFactory({ region: "us-east-1", endpointUrl: moto().url, userAgent: { name: "awsblog", version: "test" } });
    const keys = interrupts();
    // Ctrl-C as the first part starts to travel.
    (await aws.client(S3Client)).middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === "UploadPartCommand") keys.interrupt();
        return next(args);
      },
      { step: "initialize", name: "testCtrlC" },
    );
    const run = await awsblogIn(ws.dir, ["deploy", "--endpoint-url", moto().url, "--zip", "big.zip", "--function-name", "hello-big", "--role", ROLE, "--s3-bucket", "artifacts"], {
      services: { lambdaDeploy: () => createLambdaDeployApi(aws), s3: () => createS3Api(aws), sleep: async () => {} },
      interrupts: keys,
      now: () => TODAY,
    });
    expect(run.code).toBe(130);
    expect(run.stderr).toMatch(/^awsblog: interrupted while uploading to s3:\/\/artifacts\/awsblog\/hello-big\/[0-9a-f]{64}\.zip — nothing was deployed/m);
    expect((await client.send(new ListMultipartUploadsCommand({ Bucket: "artifacts" }))).Uploads ?? []).toEqual([]);
    expect((await client.send(new ListObjectsV2Command({ Bucket: "artifacts" }))).KeyCount).toBe(0);
    await expect(new LambdaClient(motoClientConfig(moto().url)).send(new GetFunctionConfigurationCommand({ FunctionName: "hello-big" }))).rejects.toMatchObject({ name: "ResourceNotFoundException" });
  });
});
