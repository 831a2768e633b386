import { UsageError } from "../errors.js";

/**
 * `--resource-types <list>|all`: which resources a run covers. `ec2:instance` (the default, the
 * post's scope) is read with DescribeInstances as before; every other type with the Resource
 * Groups Tagging API's GetResources (its ResourceTypeFilters syntax: `service` or
 * `service:type`) and tagged with TagResources.
 */
export const EC2_INSTANCE = "ec2:instance";

export interface ResourceTypes {
  /** DescribeInstances runs (ec2:instance listed, or all). */
  instances: boolean;
  /** GetResources' ResourceTypeFilters; [] with `others` true = every type (`all`). */
  filters: string[];
  /** GetResources runs at all. */
  others: boolean;
  /** The flag was given: findings carry resourceType and arn. */
  explicit: boolean;
}

const TYPE_RE = /^[a-z0-9-]{2,40}(:[a-zA-Z0-9-]{1,60})?$/;

export function parseResourceTypes(list: string[] | undefined): ResourceTypes {
  if (!list || list.length === 0) return { instances: true, filters: [], others: false, explicit: false };
  if (list.includes("all")) {
    if (list.length > 1) throw new UsageError("--resource-types all cannot be combined with named types", "pass --resource-types all, or a list such as ec2:instance,s3,lambda:function");
    return { instances: true, filters: [], others: true, explicit: true };
  }
  for (const t of list) {
    if (!TYPE_RE.test(t)) throw new UsageError(`--resource-types: "${t}" is not a resource type`, "use the Tagging API's form service or service:type, e.g. ec2:instance,s3,lambda:function,dynamodb:table");
  }
  const unique = [...new Set(list)];
  const filters = unique.filter((t) => t !== EC2_INSTANCE && t !== "ec2");
  // "ec2" alone means every EC2 type: instances through DescribeInstances, the rest through GetResources.
  if (unique.includes("ec2")) filters.push("ec2");
  return { instances: unique.includes(EC2_INSTANCE) || unique.includes("ec2"), filters, others: filters.length > 0, explicit: true };
}

/** What a run's texts call what it scans: "instance" (the post's scope), "resource" once other types are in. */
export type ResourceNoun = "instance" | "resource";

export function resourceNoun(types: ResourceTypes | undefined): ResourceNoun {
  return types?.others ? "resource" : "instance";
}

/** Services whose ARNs name no type (arn:aws:s3:::bucket, arn:aws:sqs:…:queue). */
const TYPELESS: Record<string, string> = { s3: "s3:bucket", sqs: "sqs:queue", sns: "sns:topic" };

/** `arn:partition:service:region:account:type/name` (or `type:name`, or just `name`) → type and name. */
export function arnInfo(arn: string): { resourceType: string; name: string; service: string } {
  const parts = arn.split(":");
  const service = parts[2] ?? "";
  const rest = parts.slice(5).join(":");
  const typeless = TYPELESS[service];
  if (typeless) return { resourceType: typeless, name: rest, service };
  const m = /^([^/:]+)[/:](.+)$/.exec(rest);
  if (!m) return { resourceType: service, name: rest, service };
  return { resourceType: `${service}:${m[1]}`, name: m[2]!, service };
}

/** The ARN of an EC2 instance (findings of runs with --resource-types carry one). */
export function instanceArn(partition: string, region: string, account: string, instanceId: string): string {
  return `arn:${partition}:ec2:${region}:${account}:instance/${instanceId}`;
}

/**
 * The CloudTrail event that creates each type, and where its record names the resource:
 * `CreatedBy` for a resource other than an EC2 instance comes from this event (LookupEvents by
 * EventName, the same paced sweep RunInstances uses). Types not listed have no creator lookup:
 * UserLookup writes "Undefined" for them.
 */
export interface CreateEvent {
  eventName: string;
  /** Names and ARNs the record gives for the created resource. */
  names(record: Record<string, unknown>): (string | undefined)[];
}

const req = (r: Record<string, unknown>) => (r.requestParameters ?? {}) as Record<string, unknown>;
const res = (r: Record<string, unknown>) => (r.responseElements ?? {}) as Record<string, unknown>;
const str = (v: unknown) => (typeof v === "string" ? v : undefined);

export const CREATE_EVENTS: Record<string, CreateEvent> = {
  "s3:bucket": { eventName: "CreateBucket", names: (r) => [str(req(r).bucketName)] },
  "lambda:function": { eventName: "CreateFunction20150331", names: (r) => [str(req(r).functionName), str(res(r).functionArn), str(res(r).functionName)] },
  "dynamodb:table": {
    eventName: "CreateTable",
    names: (r) => [str(req(r).tableName), str((res(r).tableDescription as Record<string, unknown> | undefined)?.tableArn)],
  },
  "sqs:queue": { eventName: "CreateQueue", names: (r) => [str(req(r).queueName), str(res(r).queueUrl)?.split("/").pop()] },
  "sns:topic": { eventName: "CreateTopic", names: (r) => [str(req(r).name), str(res(r).topicArn)] },
  "rds:db": { eventName: "CreateDBInstance", names: (r) => [str(req(r).dBInstanceIdentifier), str(res(r).dBInstanceArn)] },
  "rds:cluster": { eventName: "CreateDBCluster", names: (r) => [str(req(r).dBClusterIdentifier), str(res(r).dBClusterArn)] },
  "ec2:volume": { eventName: "CreateVolume", names: (r) => [str(res(r).volumeId)] },
  "ec2:snapshot": { eventName: "CreateSnapshot", names: (r) => [str(res(r).snapshotId)] },
  "ec2:security-group": { eventName: "CreateSecurityGroup", names: (r) => [str(res(r).groupId)] },
  "logs:log-group": { eventName: "CreateLogGroup", names: (r) => [str(req(r).logGroupName)] },
  "states:stateMachine": { eventName: "CreateStateMachine", names: (r) => [str(req(r).name), str(res(r).stateMachineArn)] },
  "kms:key": { eventName: "CreateKey", names: (r) => [str((res(r).keyMetadata as Record<string, unknown> | undefined)?.keyId), str((res(r).keyMetadata as Record<string, unknown> | undefined)?.arn)] },
};
