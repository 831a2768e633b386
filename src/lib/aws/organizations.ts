import { OrganizationsClient, paginateListAccounts } from "@aws-sdk/client-organizations";
import type { AwsClientFactory } from "./factory.js";

export interface OrgAccount {
  id: string;
  name: string;
  status: string;
}

/** The Organizations calls awsblog makes, narrow so tests can hand in their own. */
export interface OrganizationsApi {
  /** ListAccounts, every page (any status: the caller filters). */
  listAccounts(signal?: AbortSignal): Promise<OrgAccount[]>;
}

export async function createOrganizationsApi(aws: AwsClientFactory): Promise<OrganizationsApi> {
  const client = await aws.client(OrganizationsClient);
  return {
    async listAccounts(signal) {
      const accounts: OrgAccount[] = [];
      for await (const page of paginateListAccounts({ client }, {})) {
        if (signal?.aborted) break;
        for (const a of page.Accounts ?? []) accounts.push({ id: a.Id ?? "", name: a.Name ?? "", status: String(a.State ?? a.Status ?? "") });
      }
      return accounts;
    },
  };
}
