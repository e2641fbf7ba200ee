/** One in-memory DynamoDB Local for the calling test file. */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll } from 'vitest';
import { createDynamoDbClient, startDynamoDbLocal, type DynamoDbLocal } from '../../local/dynamodb/index.js';

export interface TestDynamoDb {
  readonly endpoint: string;
  readonly client: DynamoDBClient;
}

/** Starts DynamoDB Local in `beforeAll` and stops it in `afterAll`; read the fields inside tests. */
export function useDynamoDbLocal(): TestDynamoDb {
  let dynamoDb: DynamoDbLocal | undefined;
  let client: DynamoDBClient | undefined;
  beforeAll(async () => {
    dynamoDb = await startDynamoDbLocal();
    client = createDynamoDbClient(dynamoDb.endpoint);
  });
  afterAll(async () => {
    client?.destroy();
    await dynamoDb?.stop();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('DynamoDB Local is used before beforeAll started it');
    return value;
  };
  return {
    get endpoint() {
      return started(dynamoDb).endpoint;
    },
    get client() {
      return started(client);
    },
  };
}
