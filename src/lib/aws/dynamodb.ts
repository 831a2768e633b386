import { DynamoDBClient, paginateScan } from "@aws-sdk/client-dynamodb";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import type { AwsClientFactory } from "./factory.js";

/** The DynamoDB calls awsblog makes, narrow so tests can hand in their own. */
export interface DynamoDbApi {
  /** Every item of a table (Scan, all pages, strongly consistent), as plain JS values. */
  scanAll(tableName: string, signal?: AbortSignal): Promise<Record<string, unknown>[]>;
}

export async function createDynamoDbApi(aws: AwsClientFactory): Promise<DynamoDbApi> {
  const client = await aws.client(DynamoDBClient);
  return {
    async scanAll(tableName, signal) {
      const items: Record<string, unknown>[] = [];
      // Consistent read: a rule edited a moment ago must apply to this run.
      const pages = paginateScan({ client }, { TableName: tableName, ConsistentRead: true });
      for await (const page of pages) {
        if (signal?.aborted) break;
        for (const item of page.Items ?? []) items.push(unmarshall(item, { wrapNumbers: false }));
      }
      return items;
    },
  };
}
