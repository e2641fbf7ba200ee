import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';

/** Region used by every local client; DynamoDB Local runs with `-sharedDb`, so region and keys do not partition data. */
export const LOCAL_REGION = 'us-east-1';

/**
 * A DynamoDB client for a DynamoDB Local endpoint, with region `us-east-1` and fake static credentials.
 *
 * @example
 * ```ts
 * const client = createDynamoDbClient(dynamoDb.endpoint);
 * await client.send(new ListTablesCommand({}));
 * ```
 */
export function createDynamoDbClient(endpoint: string, config: DynamoDBClientConfig = {}): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: LOCAL_REGION,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    ...config,
  });
}
