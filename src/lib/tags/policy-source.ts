import { parse as parseYaml } from "yaml";
import { readTextFile } from "../input.js";
import type { DynamoDbApi } from "../aws/dynamodb.js";
import { AwsError, UsageError } from "../errors.js";
import { validateRules, type TagRule } from "./rules.js";

const DYNAMO_PREFIX = "dynamodb://";

/** Where `--policy` points: a JSON/YAML file or the post's DynamoDB table. */
export type PolicySource = { kind: "file"; path: string } | { kind: "dynamodb"; table: string };

export function parsePolicySource(value: string | undefined): PolicySource {
  if (!value || value.trim() === "") {
    throw new UsageError("--policy is required", "pass a rules file (rules.json, rules.yaml) or dynamodb://TableName");
  }
  if (value.startsWith(DYNAMO_PREFIX)) {
    const table = value.slice(DYNAMO_PREFIX.length);
    if (!/^[A-Za-z0-9_.-]{3,255}$/.test(table)) {
      throw new UsageError(`--policy ${value}: "${table}" is not a valid DynamoDB table name`, "use dynamodb://TableName");
    }
    return { kind: "dynamodb", table };
  }
  return { kind: "file", path: value };
}

/** Loads and validates the rules; a bad file or rule is a usage error (exit 2) before anything changes. */
export async function loadRules(
  source: PolicySource,
  deps: { dynamo?: () => Promise<DynamoDbApi>; signal?: AbortSignal },
): Promise<TagRule[]> {
  if (source.kind === "dynamodb") {
    const label = `dynamodb://${source.table}`;
    if (!deps.dynamo) throw new Error("DynamoDB access was not provided");
    const api = await deps.dynamo();
    try {
      return validateRules(await api.scanAll(source.table, deps.signal), label);
    } catch (error) {
      // An AWS answer, not a flag the CLI could check: exit 1 naming service, operation and code.
      if (error instanceof AwsError && error.code === "ResourceNotFoundException") {
        throw new AwsError(error.service, error.operation, error.code, `${label}: table not found in this region`, "check the table name, --region and --profile", {
          cause: error,
        });
      }
      throw error;
    }
  }
  // A regular UTF-8 file only: a FIFO would block, a device never end, Latin-1 be misread.
  const text = await readTextFile(source.path, "--policy");
  return validateRules(parseText(text, source.path), source.path);
}

function parseText(text: string, path: string): unknown {
  try {
    // YAML is a superset of JSON, but JSON.parse gives clearer errors for .json files.
    return /\.json$/i.test(path) ? JSON.parse(text) : parseYaml(text, { logLevel: "error" }); // YAML warnings would print multi-line Node warnings
  } catch (error) {
    const kind = /\.json$/i.test(path) ? "JSON" : "YAML";
    throw new UsageError(`--policy ${path} is not valid ${kind}: ${(error as Error).message.split("\n")[0]}`, "fix the file and run again", {
      cause: error,
    });
  }
}
