import {
  CreateTableCommand,
  DescribeTimeToLiveCommand,
  ListTablesCommand,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
  type AttributeDefinition,
  type CreateTableCommandInput,
  type DynamoDBClient,
  type KeySchemaElement,
  type Projection,
} from '@aws-sdk/client-dynamodb';
import type { IndexDefinition, KeyAttribute, TableDefinition } from '../appsync/description.js';
import { TableDefinitionError } from './errors.js';

/** Seconds to wait for a new table to become ACTIVE (DynamoDB Local creates tables ACTIVE at once). */
const TABLE_ACTIVE_TIMEOUT_SECONDS = 60;

/**
 * Creates the tables that do not exist yet, on-demand (PAY_PER_REQUEST), with their keys, secondary indexes, stream
 * and time to live. Existing tables are left as they are, so data persisted by DynamoDB Local survives restarts;
 * the only thing completed on an existing table is a missing TTL, because TTL is enabled after CreateTable and an
 * interrupted run could otherwise leave it off for good.
 *
 * @throws {@link TableDefinitionError} when a definition declares one attribute with two types
 * @example
 * ```ts
 * const client = createDynamoDbClient(dynamoDb.endpoint);
 * await createTables(client, [
 *   { name: 'messages', partitionKey: { name: 'pk', type: 'S' }, sortKey: { name: 'sk', type: 'S' },
 *     stream: 'NEW_AND_OLD_IMAGES', timeToLiveAttribute: 'expiresAt' },
 * ]);
 * ```
 */
export async function createTables(client: DynamoDBClient, tables: readonly TableDefinition[]): Promise<void> {
  const inputs = tables.map((table) => ({ table, input: createTableInput(table) }));
  const existing = await listTableNames(client);
  await Promise.all(
    inputs.map(async ({ table, input }) => {
      if (!existing.has(table.name)) await createTable(client, input);
      if (table.timeToLiveAttribute !== undefined) await ensureTimeToLive(client, table.name, table.timeToLiveAttribute);
    }),
  );
}

/** The CreateTable request for a definition. */
function createTableInput(table: TableDefinition): CreateTableCommandInput {
  const gsis = table.globalSecondaryIndexes ?? [];
  const lsis = table.localSecondaryIndexes ?? [];
  return {
    TableName: table.name,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: attributeDefinitions(table),
    KeySchema: keySchema(table.partitionKey, table.sortKey),
    ...(gsis.length > 0 && {
      GlobalSecondaryIndexes: gsis.map((index) => ({
        IndexName: index.indexName,
        KeySchema: keySchema(index.partitionKey, index.sortKey),
        Projection: projection(index),
      })),
    }),
    ...(lsis.length > 0 && {
      LocalSecondaryIndexes: lsis.map((index) => ({
        IndexName: index.indexName,
        KeySchema: keySchema(index.partitionKey, index.sortKey),
        Projection: projection(index),
      })),
    }),
    ...(table.stream !== undefined && {
      StreamSpecification: { StreamEnabled: true, StreamViewType: table.stream },
    }),
  };
}

function keySchema(partitionKey: KeyAttribute, sortKey: KeyAttribute | undefined): KeySchemaElement[] {
  return [
    { AttributeName: partitionKey.name, KeyType: 'HASH' },
    ...(sortKey ? [{ AttributeName: sortKey.name, KeyType: 'RANGE' as const }] : []),
  ];
}

function projection(index: IndexDefinition): Projection {
  return { ProjectionType: index.projection ?? 'ALL' };
}

/** Every key attribute of the table and its indexes, once each (DynamoDB rejects duplicates and unused ones). */
function attributeDefinitions(table: TableDefinition): AttributeDefinition[] {
  const types = new Map<string, KeyAttribute['type']>();
  const indexes = [...(table.globalSecondaryIndexes ?? []), ...(table.localSecondaryIndexes ?? [])];
  const keys = [table.partitionKey, table.sortKey, ...indexes.flatMap((index) => [index.partitionKey, index.sortKey])];
  for (const key of keys) {
    if (key === undefined) continue;
    const known = types.get(key.name);
    if (known !== undefined && known !== key.type) {
      throw new TableDefinitionError(table.name, `attribute "${key.name}" is declared as both ${known} and ${key.type}`);
    }
    types.set(key.name, key.type);
  }
  return [...types].map(([name, type]) => ({ AttributeName: name, AttributeType: type }));
}

async function listTableNames(client: DynamoDBClient): Promise<Set<string>> {
  const names = new Set<string>();
  let exclusiveStartTableName: string | undefined;
  do {
    const page = await client.send(new ListTablesCommand({ ExclusiveStartTableName: exclusiveStartTableName }));
    for (const name of page.TableNames ?? []) names.add(name);
    exclusiveStartTableName = page.LastEvaluatedTableName;
  } while (exclusiveStartTableName !== undefined);
  return names;
}

async function createTable(client: DynamoDBClient, input: CreateTableCommandInput): Promise<void> {
  try {
    await client.send(new CreateTableCommand(input));
  } catch (error) {
    // Someone else (another process sharing this DynamoDB Local) created it since we listed: that is what we wanted.
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  await waitUntilTableExists(
    { client, minDelay: 1, maxDelay: 2, maxWaitTime: TABLE_ACTIVE_TIMEOUT_SECONDS },
    { TableName: input.TableName },
  );
}

async function ensureTimeToLive(client: DynamoDBClient, tableName: string, attributeName: string): Promise<void> {
  const current = await client.send(new DescribeTimeToLiveCommand({ TableName: tableName }));
  const status = current.TimeToLiveDescription?.TimeToLiveStatus;
  if (status === 'ENABLED' || status === 'ENABLING') return;
  await client.send(
    new UpdateTimeToLiveCommand({
      TableName: tableName,
      TimeToLiveSpecification: { Enabled: true, AttributeName: attributeName },
    }),
  );
}
