import {
  CreateTagsCommand,
  DescribeRegionsCommand,
  EC2Client,
  paginateDescribeInstances,
  StopInstancesCommand,
  TerminateInstancesCommand,
  type Filter,
  type Instance,
} from "@aws-sdk/client-ec2";
import type { AwsClientFactory } from "./factory.js";

/** What the tag policy needs to know about an instance. */
export interface Ec2Instance {
  instanceId: string;
  vpcId?: string;
  state: string;
  /** Last start time: EC2 resets it on every stop/start. */
  launchTime?: Date;
  /** When the primary network interface was attached: survives stop/start, so ≈ RunInstances time. */
  firstSeen?: Date;
  tags: Record<string, string>;
}

export interface Ec2Filter {
  name: string;
  values: string[];
}

/** The EC2 calls awsblog makes, narrow so tests can hand in their own. */
export interface Ec2Api {
  /** DescribeInstances, every page; yields each page's instances. */
  describeInstances(filters: Ec2Filter[], signal?: AbortSignal): AsyncIterable<Ec2Instance[]>;
  /** One CreateTags call: the same tag on every id (EC2 accepts up to 1,000 ids). */
  createTags(instanceIds: string[], key: string, value: string, signal?: AbortSignal): Promise<void>;
  stopInstances(instanceIds: string[], signal?: AbortSignal): Promise<void>;
  terminateInstances(instanceIds: string[], signal?: AbortSignal): Promise<void>;
}

export async function createEc2Api(aws: AwsClientFactory): Promise<Ec2Api> {
  const client = await aws.client(EC2Client);
  return {
    async *describeInstances(filters, signal) {
      const Filters: Filter[] = filters.map((f) => ({ Name: f.name, Values: f.values }));
      const pages = paginateDescribeInstances({ client, pageSize: 1000 }, { Filters });
      for await (const page of pages) {
        if (signal?.aborted) return;
        yield (page.Reservations ?? []).flatMap((r) => (r.Instances ?? []).map(toInstance));
      }
    },
    async createTags(instanceIds, key, value, signal) {
      await client.send(new CreateTagsCommand({ Resources: instanceIds, Tags: [{ Key: key, Value: value }] }), {
        abortSignal: signal,
      });
    },
    async stopInstances(instanceIds, signal) {
      await client.send(new StopInstancesCommand({ InstanceIds: instanceIds }), { abortSignal: signal });
    },
    async terminateInstances(instanceIds, signal) {
      await client.send(new TerminateInstancesCommand({ InstanceIds: instanceIds }), { abortSignal: signal });
    },
  };
}

function toInstance(i: Instance): Ec2Instance {
  const tags: Record<string, string> = {};
  for (const t of i.Tags ?? []) if (t.Key !== undefined) tags[t.Key] = t.Value ?? "";
  const primary = (i.NetworkInterfaces ?? []).find((n) => n.Attachment?.DeviceIndex === 0);
  return {
    instanceId: i.InstanceId ?? "",
    vpcId: i.VpcId,
    state: i.State?.Name ?? "unknown",
    launchTime: i.LaunchTime,
    firstSeen: primary?.Attachment?.AttachTime,
    tags,
  };
}

/** DescribeRegions: the regions enabled for the account (opted-in or not requiring opt-in). */
export interface Ec2RegionsApi {
  enabledRegions(signal?: AbortSignal): Promise<string[]>;
}

export async function createEc2RegionsApi(aws: AwsClientFactory): Promise<Ec2RegionsApi> {
  const client = await aws.client(EC2Client);
  return {
    async enabledRegions(signal) {
      const out = await client.send(new DescribeRegionsCommand({ AllRegions: false }), { abortSignal: signal });
      return (out.Regions ?? [])
        .filter((r) => r.OptInStatus === undefined || r.OptInStatus !== "not-opted-in")
        .map((r) => r.RegionName ?? "")
        .filter(Boolean)
        .sort();
    },
  };
}
