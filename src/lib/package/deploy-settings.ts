import type { FunctionSettings, FunctionState } from "../aws/lambda-deploy.js";
import { UsageError } from "../errors.js";
import { findRuntime, LAMBDA_RUNTIMES } from "./runtimes.js";

export interface DeployOptions {
  zip: string;
  functionName: string;
  role?: string;
  runtime?: string;
  handler?: string;
  memory?: number;
  timeout?: number;
  /** false with --no-verify: deploy even when verify has findings. */
  verify?: boolean;
  /** Upload the code (and a layer) to this bucket and deploy from there. */
  s3Bucket?: string;
  /** The object key (default awsblog/<function>/<sha256>.zip). */
  s3Key?: string;
  /** Publish the runtime dir as this layer and deploy the rest as the function's code. */
  layer?: string;
}

export interface DeployResult {
  functionName: string;
  functionArn: string;
  action: "created" | "updated";
  codeSha256: string;
  /** Settings changed by UpdateFunctionConfiguration (empty when none). */
  configurationChanged: string[];
  runtime?: string;
  handler?: string;
  architecture?: string;
  state?: string;
  lastUpdateStatus?: string;
  /** With --s3-bucket: where the code is; uploaded false when the object was already there. */
  s3?: { bucket: string; key: string; versionId?: string; uploaded: boolean; parts: number };
  /** With --layer: the layer version the function now uses. */
  layer?: { name: string; versionArn: string; version: number; published: boolean; codeSha256: string; zippedBytes: number };
}


const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;
const FUNCTION_NAME = /^(arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:)?[A-Za-z0-9_-]{1,64}(:[A-Za-z0-9$_-]+)?$/;
const HANDLER = /^[^\s]+\.[A-Za-z_$][\w$]*$/;
/** S3's rules for new buckets: 3-63 lowercase letters, digits, '.' and '-', no IP address. */
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
/** PublishLayerVersion's LayerName (a name; an ARN would name another account's layer). */
const LAYER_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

export type ValidDeployOptions = DeployOptions;

/** Everything deploy can check before calling AWS (exit 2, nothing changed). */
export function validateDeployOptions(options: DeployOptions): asserts options is ValidDeployOptions {
  if (!options.zip) throw new UsageError("--zip is empty", "pass the zip built by awsblog package");
  if (!FUNCTION_NAME.test(options.functionName)) {
    throw new UsageError(`--function-name ${options.functionName}: not a Lambda function name or ARN`, "use 1-64 letters, digits, '-' or '_'");
  }
  if (options.role !== undefined && !ROLE_ARN.test(options.role)) {
    throw new UsageError(`--role ${options.role}: not an IAM role ARN`, "pass arn:aws:iam::<account>:role/<name>");
  }
  if (options.s3Bucket !== undefined && (!BUCKET.test(options.s3Bucket) || /^\d+\.\d+\.\d+\.\d+$/.test(options.s3Bucket))) {
    throw new UsageError(`--s3-bucket ${options.s3Bucket}: not an S3 bucket name`, "pass the bucket's name (3-63 lowercase letters, digits, '.', '-'), not s3:// or a URL");
  }
  if (options.s3Key !== undefined && options.s3Bucket === undefined) throw new UsageError("--s3-key needs --s3-bucket", "add --s3-bucket <bucket>");
  if (options.s3Key !== undefined && (options.s3Key.length === 0 || Buffer.byteLength(options.s3Key) > 1024 || options.s3Key.startsWith("/"))) {
    throw new UsageError(`--s3-key ${options.s3Key}: not a usable object key`, "pass up to 1024 bytes without a leading '/', e.g. builds/api.zip");
  }
  if (options.layer !== undefined && !LAYER_NAME.test(options.layer)) {
    throw new UsageError(`--layer ${options.layer}: not a layer name`, "use 1-64 letters, digits, '-' or '_', e.g. --layer php-runtime");
  }
  const runtime = options.runtime === undefined ? undefined : findRuntime(options.runtime);
  if (options.runtime !== undefined && runtime?.family !== "nodejs" && runtime?.family !== "provided") {
    const known = LAMBDA_RUNTIMES.filter((r) => r.family === "nodejs" || r.family === "provided").map((r) => r.id).join(", ");
    throw new UsageError(`--runtime ${options.runtime}: awsblog deploys the Node.js wrapper or a provided.al2023 bootstrap (it knows ${known})`, "pass e.g. --runtime nodejs24.x, or leave it out for the newest Lambda supports");
  }
  // provided runtimes hand the string to the bootstrap as _HANDLER: Lambda only asks for no spaces.
  const providedHandler = options.handler !== undefined && /^[^\s]{1,128}$/.test(options.handler) && (runtime?.family === "provided" || options.handler === "bootstrap");
  if (options.handler !== undefined && !HANDLER.test(options.handler) && !providedHandler) {
    throw new UsageError(`--handler ${options.handler}: expected <file>.<export>, e.g. php.handler`);
  }
}

const FIELDS: { key: keyof FunctionSettings; name: string }[] = [
  { key: "runtime", name: "runtime" },
  { key: "handler", name: "handler" },
  { key: "role", name: "role" },
  { key: "memorySize", name: "memory" },
  { key: "timeout", name: "timeout" },
];

/** Only settings the user passed that differ from the function's: no needless updates. */
export function changedSettings(existing: FunctionState, wanted: FunctionSettings): { settings: FunctionSettings; names: string[] } {
  const settings: FunctionSettings = {};
  const names: string[] = [];
  for (const { key, name } of FIELDS) {
    const value = wanted[key];
    if (value === undefined || value === existing[key]) continue;
    (settings as Record<string, unknown>)[key] = value;
    names.push(name);
  }
  return { settings, names };
}

export function formatDeploy(result: DeployResult): string {
  const lines = [
    `${result.action} ${result.functionName}`,
    `functionArn: ${result.functionArn}`,
    `codeSha256:  ${result.codeSha256}`,
  ];
  if (result.configurationChanged.length > 0) lines.push(`configuration changed: ${result.configurationChanged.join(", ")}`);
  if (result.s3) lines.push(`code:        s3://${result.s3.bucket}/${result.s3.key}${result.s3.versionId ? ` (version ${result.s3.versionId})` : ""}${result.s3.uploaded ? "" : " (already uploaded)"}`);
  if (result.layer) lines.push(`layer:       ${result.layer.versionArn}${result.layer.published ? " (published)" : " (unchanged, reused)"}`);
  return lines.join("\n");
}
