import { createWriteStream } from "node:fs";
import { mkdtemp, readdir, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { CommandResult, Context } from "../context.js";
import { AwsError, FailureError, UsageError } from "../errors.js";
import { deploy } from "./deploy.js";
import type { DeployResult } from "./deploy-settings.js";
import { classifyHead, readHead } from "./detect.js";
import { extractZip } from "./extract.js";
import { planPackage } from "./layout.js";
import { awsLambdaGoVersion } from "./layout-bootstrap.js";
import { LAMBDA_LIMITS } from "./limits.js";
import { writeZip } from "./zip-writer.js";

/**
 * `package migrate`: a go1.x function (gone from Lambda: creates blocked since 2024-02-08,
 * updates since 2024-03-12) becomes a provided.al2023 zip. The go1.x handler names the
 * binary; aws-lambda-go's lambda.Start speaks the Runtime API when Lambda starts it as
 * `bootstrap`, so the binary is renamed and nothing is rebuilt. With --deploy, runtime and
 * handler switch first and the code follows with its architecture, in one command.
 */
export interface MigrateOptions {
  functionName?: string;
  zip?: string;
  handler?: string;
  out: string;
  deploy?: boolean;
}

export interface MigrateResult {
  zip: string;
  from: { functionName?: string; zip?: string; runtime?: string; handler: string };
  binary: string;
  /** aws-lambda-go version from the binary's build info. */
  awsLambdaGo?: string;
  architecture?: string;
  codeSha256: string;
  entries: number;
  deployed?: DeployResult;
}

/** aws-lambda-go's lambda.Start answers the Runtime API from v1.18.0 on (before: go1.x's RPC only). */
const FIRST_RUNTIME_API_VERSION = [1, 18, 0];
/** A go1.x zip may be up to 250 MB unzipped (from S3); its zipped size is below that. */
const MAX_DOWNLOAD_BYTES = LAMBDA_LIMITS.unzippedBytes;

export async function migrateGo(options: MigrateOptions, ctx: Context): Promise<CommandResult<MigrateResult>> {
  if (Boolean(options.functionName) === Boolean(options.zip)) throw new UsageError("pass --function-name <go1.x function> or --zip <go1.x zip>, one of them", "e.g. awsblog package migrate --function-name my-go-fn --out bootstrap.zip");
  if (options.deploy && !options.functionName) throw new UsageError("--deploy needs --function-name", "the function to switch; or deploy the zip with awsblog deploy --runtime provided.al2023");
  const work = await mkdtemp(join(tmpdir(), "awsblog-migrate-"));
  try {
    let sourceZip: string;
    let from: MigrateResult["from"];
    if (options.functionName) {
      const lambda = await ctx.services.lambdaDeploy();
      const fn = await lambda.getCode(options.functionName, ctx.signal);
      if (!fn) throw new UsageError(`function ${options.functionName} does not exist`, "check the name and region");
      if (fn.packageType === "Image" || !fn.codeLocation) throw new UsageError(`function ${options.functionName} has no zip to migrate (${fn.packageType ?? "no code location"})`, "rebuild its image on provided.al2023 instead");
      if (fn.runtime !== "go1.x") ctx.out.warn(`function ${options.functionName} runs ${fn.runtime ?? "no runtime"}, not go1.x: migrating its zip anyway`);
      sourceZip = join(work, "source.zip");
      await download(fn.codeLocation, sourceZip, ctx);
      from = { functionName: options.functionName, runtime: fn.runtime, handler: options.handler ?? fn.handler ?? "" };
    } else {
      sourceZip = resolve(options.zip!);
      if (!(await stat(sourceZip).catch(() => undefined))?.isFile()) throw new UsageError(`--zip ${options.zip}: not found`, "pass the go1.x function's zip");
      from = { zip: options.zip, handler: options.handler ?? "" };
    }
    const tree = join(work, "tree");
    await extractZip(sourceZip, tree);
    const names = await readdir(tree);
    from.handler ||= await onlyBinary(tree, names);
    const binary = from.handler;
    if (!names.includes(binary)) throw new UsageError(`the zip has no ${binary} at its root (the go1.x handler names the binary)`, "pass --handler <binary name>");
    const kind = classifyHead(await readHead(join(tree, binary)));
    if (!kind.elf) throw new UsageError(`${binary} is not a Linux (ELF) binary`, "pass --handler <binary name>");
    const version = await awsLambdaGoVersion(join(tree, binary));
    if (!version) {
      throw new UsageError(`${binary} does not link aws-lambda-go, so it cannot answer the Runtime API as bootstrap`, `package it with: awsblog package go --entry ${binary} --runtime provided.al2023 (a bootstrap runs it per invocation)`);
    }
    if (olderThan(version, FIRST_RUNTIME_API_VERSION)) {
      ctx.out.warn(`${binary} links aws-lambda-go ${version}: lambda.Start speaks the Runtime API from v1.18.0 on; rebuild with a newer aws-lambda-go before deploying`);
    }
    // The package layout does the rest: binary as bootstrap, modes, sorted, fixed timestamps.
    const includes = names.filter((name) => name !== binary && name !== "bootstrap");
    if (names.includes("bootstrap") && binary !== "bootstrap") ctx.out.warn("the go1.x zip already had a bootstrap file: it is replaced by the program");
    const entry = binary;
    const out = resolve(options.out);
    const plan = await planPackage({ language: "go", entry, includes, out, cwd: tree, runtime: "provided.al2023", runtimeApi: true, env: ctx.env });
    const stats = await writeZip(plan.entries, plan.emptyDirs, out);
    const data: MigrateResult = { zip: out, from, binary, awsLambdaGo: version, architecture: plan.architecture, codeSha256: stats.codeSha256, entries: stats.entries };
    ctx.out.info(`wrote ${out}: ${binary} (aws-lambda-go ${version}) as bootstrap for provided.al2023${plan.architecture ? `, ${plan.architecture}` : ""}`);
    if (options.deploy && options.functionName) {
      const deployed = await deploy({ zip: out, functionName: options.functionName, runtime: "provided.al2023", handler: "bootstrap" }, ctx);
      data.deployed = deployed.data;
    }
    return { data, text: `${out}\n${data.deployed ? `deployed ${data.deployed.functionArn} (provided.al2023, bootstrap, ${data.deployed.architecture ?? "x86_64"})` : `deploy it: awsblog deploy --zip ${options.out} --function-name <name> --runtime provided.al2023`}` };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

async function onlyBinary(tree: string, names: string[]): Promise<string> {
  const binaries: string[] = [];
  for (const name of names) {
    const info = await stat(join(tree, name));
    if (info.isFile() && classifyHead(await readHead(join(tree, name))).elf) binaries.push(name);
  }
  if (binaries.length === 1) return binaries[0]!;
  throw new UsageError(`the zip holds ${binaries.length === 0 ? "no" : `${binaries.length}`} ELF binaries at its root: cannot tell which is the program`, "pass --handler <binary name> (the go1.x handler)");
}

/** Downloads the presigned code URL GetFunction returned, bounded in size. */
async function download(url: string, path: string, ctx: Context): Promise<void> {
  let response: Response;
  try {
    response = await ctx.services.fetch(url, { signal: ctx.signal });
  } catch (error) {
    throw new AwsError("Lambda", "GetFunction", "CodeDownloadFailed", `cannot download the function's code: ${(error as Error).message}`, "check the network, or download the zip and pass --zip", { cause: error });
  }
  if (!response.ok || !response.body) throw new AwsError("Lambda", "GetFunction", "CodeDownloadFailed", `downloading the function's code answered HTTP ${response.status}`, "run it again (the URL is valid for 10 minutes), or pass --zip");
  const declared = Number(response.headers.get("content-length") ?? "0");
  if (declared > MAX_DOWNLOAD_BYTES) throw new FailureError(`the function's code is ${declared} bytes: larger than any zip Lambda runs`, "download it yourself and pass --zip");
  let seen = 0;
  const limited = Readable.fromWeb(response.body as import("node:stream/web").ReadableStream).on("data", (chunk: Buffer) => {
    seen += chunk.length;
    if (seen > MAX_DOWNLOAD_BYTES) limited.destroy(new FailureError("the function's code is larger than any zip Lambda runs", "download it yourself and pass --zip"));
  });
  await pipeline(limited, createWriteStream(path));
}

function olderThan(version: string, floor: number[]): boolean {
  const parts = /^v(\d+)\.(\d+)\.(\d+)/.exec(version)?.slice(1).map(Number);
  if (!parts) return false;
  for (let i = 0; i < 3; i++) {
    if (parts[i]! !== floor[i]!) return parts[i]! < floor[i]!;
  }
  return false;
}
