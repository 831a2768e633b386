import {
  CreateTagsCommand,
  DeleteTagsCommand,
  DescribeRegionsCommand,
  EC2Client,
  paginateDescribeInstances,
  paginateDescribeNetworkInterfaces,
  paginateDescribeSnapshots,
  paginateDescribeVolumes,
  StopInstancesCommand,
  TerminateInstancesCommand,
  type Filter,
  type Instance,
  type Tag,
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
  /** arn:<partition>:ec2:<region>:<owner>:instance/<id> (from the reservation's owner and the client's region). */
  arn?: string;
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
  /** One DeleteTags call: these keys (any value) off every id (the grace-period mark). */
  deleteTags?(ids: string[], keys: string[], signal?: AbortSignal): Promise<void>;
  /** What instances own (propagation): volumes and network interfaces attached to them, snapshots of volumes. */
  ownedResources?(instanceIds: string[], signal?: AbortSignal): Promise<OwnedResource[]>;
}

/** A volume, network interface or snapshot and the instance it belongs to. */
export interface OwnedResource {
  id: string;
  kind: "volume" | "network-interface" | "snapshot";
  instanceId: string;
  tags: Record<string, string>;
}

export async function createEc2Api(aws: AwsClientFactory): Promise<Ec2Api> {
  const client = await aws.client(EC2Client);
  return {
    async *describeInstances(filters, signal) {
      const Filters: Filter[] = filters.map((f) => ({ Name: f.name, Values: f.values }));
      const pages = paginateDescribeInstances({ client, pageSize: 1000 }, { Filters });
      const region = String(await (client.config.region as () => Promise<string>)());
      const partition = region.startsWith("cn-") ? "aws-cn" : region.startsWith("us-gov-") ? "aws-us-gov" : "aws";
      for await (const page of pages) {
        if (signal?.aborted) return;
        yield (page.Reservations ?? []).flatMap((r) =>
          (r.Instances ?? []).map((i) => ({ ...toInstance(i), ...(r.OwnerId ? { arn: `arn:${partition}:ec2:${region}:${r.OwnerId}:instance/${i.InstanceId ?? ""}` } : {}) })),
        );
      }
    },
    async createTags(instanceIds, key, value, signal) {
      await client.send(new CreateTagsCommand({ Resources: instanceIds, Tags: [{ Key: key, Value: value }] }), {
        abortSignal: signal,
      });
    },
    async deleteTags(ids, keys, signal) {
      await client.send(new DeleteTagsCommand({ Resources: ids, Tags: keys.map((Key) => ({ Key })) }), { abortSignal: signal });
    },
    async ownedResources(instanceIds, signal) {
      const owned: OwnedResource[] = [];
      const volumeOwner = new Map<string, string>();
      // Filters take up to 200 values: ask in slices.
      for (let i = 0; i < instanceIds.length; i += 200) {
        const Filters = [{ Name: "attachment.instance-id", Values: instanceIds.slice(i, i + 200) }];
        for await (const page of paginateDescribeVolumes({ client, pageSize: 500 }, { Filters })) {
          if (signal?.aborted) return owned;
          for (const v of page.Volumes ?? []) {
            const instanceId = v.Attachments?.find((a) => a.InstanceId && instanceIds.includes(a.InstanceId))?.InstanceId;
            if (!v.VolumeId || !instanceId) continue;
            volumeOwner.set(v.VolumeId, instanceId);
            owned.push({ id: v.VolumeId, kind: "volume", instanceId, tags: tagMap(v.Tags) });
          }
        }
        for await (const page of paginateDescribeNetworkInterfaces({ client, pageSize: 1000 }, { Filters })) {
          if (signal?.aborted) return owned;
          for (const n of page.NetworkInterfaces ?? []) {
            const instanceId = n.Attachment?.InstanceId;
            if (n.NetworkInterfaceId && instanceId) owned.push({ id: n.NetworkInterfaceId, kind: "network-interface", instanceId, tags: tagMap(n.TagSet) });
          }
        }
      }
      const volumes = [...volumeOwner.keys()];
      for (let i = 0; i < volumes.length; i += 200) {
        const Filters = [{ Name: "volume-id", Values: volumes.slice(i, i + 200) }];
        for await (const page of paginateDescribeSnapshots({ client, pageSize: 1000 }, { OwnerIds: ["self"], Filters })) {
          if (signal?.aborted) return owned;
          for (const sn of page.Snapshots ?? []) {
            const instanceId = sn.VolumeId ? volumeOwner.get(sn.VolumeId) : undefined;
            if (sn.SnapshotId && instanceId) owned.push({ id: sn.SnapshotId, kind: "snapshot", instanceId, tags: tagMap(sn.Tags) });
          }
        }
      }
      return owned;
    },
    async stopInstances(instanceIds, signal) {
      await client.send(new StopInstancesCommand({ InstanceIds: instanceIds }), { abortSignal: signal });
    },
    async terminateInstances(instanceIds, signal) {
      await client.send(new TerminateInstancesCommand({ InstanceIds: instanceIds }), { abortSignal: signal });
    },
  };
}

function tagMap(list: Tag[] | undefined): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const t of list ?? []) if (t.Key !== undefined) tags[t.Key] = t.Value ?? "";
  return tags;
}

function toInstance(i: Instance): Ec2Instance {
  const tags = tagMap(i.Tags);
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
