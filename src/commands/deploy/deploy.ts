import { defineCommand, opt, required } from "../../lib/command.js";
import { deploy } from "../../lib/package/deploy.js";

export default defineCommand({
  options: {
    zip: required(opt.string("--zip <file>", "the zip to deploy: at most 50 MB, or 250 MB unzipped with --s3-bucket"), "pass the zip built by awsblog package"),
    functionName: required(opt.string("--function-name <name>", "function name or ARN"), "pass the function's name or ARN"),
    role: opt.string("--role <arn>", "execution role ARN: needed when the function does not exist yet"),
    runtime: opt.string("--runtime <runtime>", "Node.js runtime (default on create: the newest Lambda supports today, e.g. nodejs24.x); refused when Lambda blocks it"),
    handler: opt.string("--handler <handler>", "handler, e.g. php.handler (default: the wrapper found in the zip)"),
    memory: opt.int("--memory <mb>", "memory in MB, 128-10240", { min: 128, max: 10240 }),
    timeout: opt.int("--timeout <seconds>", "timeout in seconds, 1-900", { max: 900 }),
    s3Bucket: opt.string("--s3-bucket <bucket>", "upload the code (multipart, SHA-256 checked) to this bucket and deploy from there: needed above 50 MB"),
    s3Key: opt.string("--s3-key <key>", "object key (default awsblog/<function>/<sha256>.zip: an unchanged zip is not uploaded again)"),
    layer: opt.string("--layer <name>", "publish the zip's runtime dir as this layer (a new version only when it changed) and deploy the rest as the function"),
    verify: opt.flag("--no-verify", "deploy even when the zip has verify findings (missing exec bits, missing handler file, …)"),
  },
  help: "Checks the zip first (as package verify does) and refuses one that cannot run (exit 2).\n--s3-bucket uploads the code to S3 first (parts of 8 MB, each with its SHA-256, which S3 checks) and\ndeploys from the object; --layer splits the runtime dir off into a layer version, reused while unchanged.\nUpdates the code when the function exists (and the configuration when a flag differs), else creates it.\nRuntimes are judged by today's date against Lambda's deprecation table: a deprecated runtime is a\nwarning; one Lambda blocks for creates or updates is refused (exit 2) naming the runtime to pass.",
  examples: [
    "awsblog deploy --zip php.zip --function-name hello-php --role arn:aws:iam::123456789012:role/lambda-basic --timeout 10",
    "awsblog deploy --zip php.zip --function-name old-php --runtime nodejs24.x   # move a function off a blocked runtime",
    "awsblog deploy --zip big.zip --function-name api --s3-bucket my-artifacts   # above 50 MB: through S3",
    "awsblog deploy --zip php.zip --function-name hello-php --layer php-runtime   # runtime as a layer, handler zip small",
  ],
  run: (options, ctx) => deploy(options, ctx),
});
