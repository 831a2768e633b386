import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import type { CodeSource, LambdaDeployApi } from "../aws/lambda-deploy.js";
import type { S3Object } from "../aws/s3.js";
import type { Context } from "../context.js";
import { InterruptedError, UsageError } from "../errors.js";
import type { LayerSplit } from "./layer-split.js";
import { LAMBDA_LIMITS, humanSize } from "./limits.js";

/** Multipart part size: what the AWS CLI uses; a 250 MB package is 30 parts. */
export const PART_BYTES = 8 * 1024 * 1024;

/** The code as Lambda will take it, and where it was put. */
export interface StagedCode {
  source: CodeSource;
  /** base64 SHA-256 of the zip: what Lambda must report as CodeSha256. */
  codeSha256: string;
  s3?: { bucket: string; key: string; versionId?: string; uploaded: boolean; parts: number };
}

export interface LayerResult {
  name: string;
  versionArn: string;
  version: number;
  /** false: the newest version already held this runtime tree (same SHA-256), none was published. */
  published: boolean;
  codeSha256: string;
  zippedBytes: number;
}

/**
 * The zip's bytes for a direct upload, or (with --s3-bucket) an S3 object Lambda reads. The
 * object's key names the zip's SHA-256, so a zip already in the bucket is not sent again and
 * a concurrent deploy of another zip cannot replace what this one deploys.
 */
export async function stageCode(path: string, target: { s3Bucket?: string; s3Key?: string; functionName: string }, ctx: Context): Promise<StagedCode> {
  const size = (await stat(path)).size;
  if (!target.s3Bucket) {
    if (size > LAMBDA_LIMITS.zippedBytes) throw new UsageError(`the function's zip is ${humanSize(size)}: above the 50 MB direct-upload limit`, "pass --s3-bucket <bucket> to deploy it through S3");
    const zip = await readFile(path);
    return { source: zip, codeSha256: createHash("sha256").update(zip).digest("base64") };
  }
  const { base64, hex } = await sha256File(path);
  const key = target.s3Key ?? `awsblog/${functionShortName(target.functionName)}/${hex}.zip`;
  const object = await uploadOnce(path, size, { bucket: target.s3Bucket, key }, ctx);
  return {
    source: { s3Bucket: object.bucket, s3Key: object.key, s3ObjectVersion: object.versionId },
    codeSha256: base64,
    s3: { bucket: object.bucket, key: object.key, versionId: object.versionId, uploaded: object.uploaded, parts: object.uploaded ? object.parts : 0 },
  };
}

/**
 * Publishes the runtime tree as a new version of layer `name`, unless its newest version
 * already holds the same bytes (reproducible zips: an unchanged runtime has the same SHA-256).
 */
export async function publishLayerOnce(
  lambda: LambdaDeployApi,
  split: LayerSplit,
  settings: { name: string; runtime: string; architecture: string; s3Bucket?: string; functionName: string },
  ctx: Context,
): Promise<LayerResult> {
  const { layer } = split;
  const latest = await lambda.latestLayerVersion(settings.name, ctx.signal);
  const base = { name: settings.name, codeSha256: layer.codeSha256, zippedBytes: layer.zippedBytes };
  if (latest && latest.codeSha256 === layer.codeSha256) {
    ctx.out.info(`layer ${settings.name}: version ${latest.version} already holds this runtime (${humanSize(layer.zippedBytes)})`);
    return { ...base, versionArn: latest.layerVersionArn, version: latest.version, published: false };
  }
  let content: CodeSource;
  if (settings.s3Bucket) {
    const { hex } = await sha256File(layer.path);
    const object = await uploadOnce(layer.path, layer.zippedBytes, { bucket: settings.s3Bucket, key: `awsblog/layers/${settings.name}/${hex}.zip` }, ctx);
    content = { s3Bucket: object.bucket, s3Key: object.key, s3ObjectVersion: object.versionId };
  } else {
    if (layer.zippedBytes > LAMBDA_LIMITS.zippedBytes) throw new UsageError(`the runtime layer is ${humanSize(layer.zippedBytes)}: above the 50 MB direct-upload limit`, "pass --s3-bucket <bucket> to publish it through S3");
    content = await readFile(layer.path);
  }
  ctx.out.info(`publishing layer ${settings.name} (${split.runtimeDir}/, ${humanSize(layer.zippedBytes)})`);
  const published = await lambda.publishLayerVersion(
    settings.name,
    content,
    { description: `${split.runtimeDir}/ for ${settings.functionName}, by awsblog deploy --layer`, runtimes: [settings.runtime], architectures: [settings.architecture] },
    ctx.signal,
  );
  if (published.codeSha256 && published.codeSha256 !== layer.codeSha256) {
    ctx.out.warn(`Lambda reports the layer's CodeSha256 as ${published.codeSha256}, the zip's is ${layer.codeSha256}`);
  }
  return { ...base, versionArn: published.layerVersionArn, version: published.version, published: true };
}

/** The function's layers with this layer's new version in place of any older one, order kept. */
export function withLayer(current: string[], versionArn: string): string[] {
  const name = layerOf(versionArn);
  const at = current.findIndex((arn) => layerOf(arn) === name);
  if (at < 0) return [...current, versionArn];
  return current.flatMap((arn, i) => (i === at ? [versionArn] : layerOf(arn) === name ? [] : [arn]));
}

/** `arn:aws:lambda:<region>:<account>:layer:<name>` without the version. */
function layerOf(versionArn: string): string {
  return versionArn.replace(/:\d+$/, "");
}

async function uploadOnce(path: string, size: number, target: { bucket: string; key: string }, ctx: Context): Promise<S3Object & { uploaded: boolean }> {
  const s3 = await ctx.services.s3();
  const there = await s3.head(target.bucket, target.key, ctx.signal);
  if (there && there.size === size) {
    ctx.out.info(`s3://${target.bucket}/${target.key} is already uploaded`);
    return { bucket: target.bucket, key: target.key, versionId: there.versionId, checksumSha256: there.checksumSha256, size, parts: 0, uploaded: false };
  }
  ctx.out.info(`uploading ${humanSize(size)} to s3://${target.bucket}/${target.key}${size > PART_BYTES ? ` in ${partCount(size)} parts` : ""}`);
  try {
    const object = await s3.uploadFile({ path, size }, target, { partBytes: PART_BYTES, signal: ctx.signal });
    return { ...object, uploaded: true };
  } catch (error) {
    if (!ctx.signal.aborted) throw error;
    throw new InterruptedError(`interrupted while uploading to s3://${target.bucket}/${target.key}`, "nothing was deployed; the upload was aborted (no parts are left in the bucket)");
  }
}

function partCount(size: number): number {
  return Math.max(1, Math.ceil(size / PART_BYTES));
}

function functionShortName(functionName: string): string {
  return /:function:([^:]+)/.exec(functionName)?.[1] ?? functionName;
}

async function sha256File(path: string): Promise<{ base64: string; hex: string }> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  const digest = hash.digest();
  return { base64: digest.toString("base64"), hex: digest.toString("hex") };
}
