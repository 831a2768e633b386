import { OrganizationsClient, paginateListAccounts, paginateListAccountsForParent, paginateListChildren } from "@aws-sdk/client-organizations";
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
  /** ListAccountsForParent, every page: the accounts directly under a root or OU (any status). */
  listAccountsForParent(parentId: string, signal?: AbortSignal): Promise<OrgAccount[]>;
  /** ListChildren (ORGANIZATIONAL_UNIT), every page: the OUs directly under a root or OU. */
  listChildOus(parentId: string, signal?: AbortSignal): Promise<string[]>;
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
    async listAccountsForParent(parentId, signal) {
      const accounts: OrgAccount[] = [];
      for await (const page of paginateListAccountsForParent({ client }, { ParentId: parentId })) {
        if (signal?.aborted) break;
        for (const a of page.Accounts ?? []) accounts.push({ id: a.Id ?? "", name: a.Name ?? "", status: String(a.State ?? a.Status ?? "") });
      }
      return accounts;
    },
    async listChildOus(parentId, signal) {
      const ous: string[] = [];
      for await (const page of paginateListChildren({ client }, { ParentId: parentId, ChildType: "ORGANIZATIONAL_UNIT" })) {
        if (signal?.aborted) break;
        for (const c of page.Children ?? []) if (c.Id) ous.push(c.Id);
      }
      return ous;
    },
  };
}
