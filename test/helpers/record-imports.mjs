// Loaded with `node --import`: records every module URL the process resolves into the file
// named by AWSBLOG_IMPORT_LOG, so tests can prove a command loads only the SDK it needs.
import { register } from "node:module";

register(
  `data:text/javascript,${encodeURIComponent(`
import { appendFileSync } from "node:fs";
const log = ${JSON.stringify(process.env.AWSBLOG_IMPORT_LOG ?? "")};
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  if (log) appendFileSync(log, result.url + "\\n");
  return result;
}`)}`,
);
