import {
  GetResourcesCommand,
  ResourceGroupsTaggingAPIClient,
  TagResourcesCommand,
  UntagResourcesCommand,
  type FailureInfo,
} from "@aws-sdk/client-resource-groups-tagging-api";
import type { AwsClientFactory } from "./factory.js";

/** One resource as GetResources returns it. */
export interface TaggedResource {
  arn: string;
  tags: Record<string, string>;
}

/** A resource TagResources / UntagResources could not change (its FailedResourcesMap entry). */
export interface TaggingFailure {
  arn: string;
  code: string;
  message: string;
  statusCode?: number;
}

/** The Resource Groups Tagging API calls the tag engine makes, narrow so tests can hand in their own. */
export interface TaggingApi {
  /** GetResources for these ResourceTypeFilters (none: every type), every page; yields each page. */
  getResources(resourceTypes: string[], signal?: AbortSignal): AsyncIterable<TaggedResource[]>;
  /** One TagResources call (at most 20 ARNs, one tag set); returns the resources it failed on. */
  tagResources(arns: string[], tags: Record<string, string>, signal?: AbortSignal): Promise<TaggingFailure[]>;
  /** One UntagResources call (at most 20 ARNs); returns the resources it failed on. */
  untagResources(arns: string[], keys: string[], signal?: AbortSignal): Promise<TaggingFailure[]>;
}

const PAGE_SIZE = 100;

export async function createTaggingApi(aws: AwsClientFactory): Promise<TaggingApi> {
  const client = await aws.client(ResourceGroupsTaggingAPIClient);
  return {
    async *getResources(resourceTypes, signal) {
      let token: string | undefined;
      do {
        if (signal?.aborted) return;
        const out = await client.send(
          new GetResourcesCommand({ ResourceTypeFilters: resourceTypes.length ? resourceTypes : undefined, ResourcesPerPage: PAGE_SIZE, PaginationToken: token }),
          { abortSignal: signal },
        );
        yield (out.ResourceTagMappingList ?? [])
          .filter((m) => m.ResourceARN)
          .map((m) => ({ arn: m.ResourceARN!, tags: Object.fromEntries((m.Tags ?? []).map((t) => [t.Key ?? "", t.Value ?? ""])) }));
        token = out.PaginationToken || undefined;
      } while (token);
    },
    async tagResources(arns, tags, signal) {
      const out = await client.send(new TagResourcesCommand({ ResourceARNList: arns, Tags: tags }), { abortSignal: signal });
      return failures(out.FailedResourcesMap);
    },
    async untagResources(arns, keys, signal) {
      const out = await client.send(new UntagResourcesCommand({ ResourceARNList: arns, TagKeys: keys }), { abortSignal: signal });
      return failures(out.FailedResourcesMap);
    },
  };
}

function failures(map: Record<string, FailureInfo> | undefined): TaggingFailure[] {
  return Object.entries(map ?? {}).map(([arn, f]) => ({ arn, code: f.ErrorCode ?? "Failed", message: f.ErrorMessage ?? "the service did not say why", statusCode: f.StatusCode }));
}
