import { defineCommand, opt, required } from "../../lib/command.js";
import { deploy } from "../../lib/package/deploy.js";

export default defineCommand({
  options: {
    zip: required(opt.string("--zip <file>", "the zip to upload, at most 50 MB"), "pass the zip built by awsblog package"),
    functionName: required(opt.string("--function-name <name>", "function name or ARN"), "pass the function's name or ARN"),
    role: opt.string("--role <arn>", "execution role ARN: needed when the function does not exist yet"),
    runtime: opt.string("--runtime <runtime>", "Node.js runtime (default on create: the newest Lambda supports today, e.g. nodejs24.x); refused when Lambda blocks it"),
    handler: opt.string("--handler <handler>", "handler, e.g. php.handler (default: the wrapper found in the zip)"),
    memory: opt.int("--memory <mb>", "memory in MB, 128-10240", { min: 128, max: 10240 }),
    timeout: opt.int("--timeout <seconds>", "timeout in seconds, 1-900", { max: 900 }),
    verify: opt.flag("--no-verify", "deploy even when the zip has verify findings (missing exec bits, missing handler file, …)"),
  },
  help: "Checks the zip first (as package verify does) and refuses one that cannot run (exit 2).\nUpdates the code when the function exists (and the configuration when a flag differs), else creates it.\nRuntimes are judged by today's date against Lambda's deprecation table: a deprecated runtime is a\nwarning; one Lambda blocks for creates or updates is refused (exit 2) naming the runtime to pass.",
  examples: [
    "awsblog deploy --zip php.zip --function-name hello-php --role arn:aws:iam::123456789012:role/lambda-basic --timeout 10",
    "awsblog deploy --zip php.zip --function-name old-php --runtime nodejs24.x   # move a function off a blocked runtime",
  ],
  run: (options, ctx) => deploy(options, ctx),
});
