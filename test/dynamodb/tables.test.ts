import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  GetItemCommand,
  ListTablesCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import type { TableDefinition } from '../../local/appsync/description.js';
import {
  createTables,
  TableDefinitionError,
} from '../../local/dynamodb/index.js';
import { useDynamoDbLocal } from '../support/dynamodb.js';

const messages: TableDefinition = {
  name: 'messages',
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  globalSecondaryIndexes: [
    { indexName: 'byAuthor', partitionKey: { name: 'authorId', type: 'S' }, sortKey: { name: 'sentAt', type: 'N' } },
    { indexName: 'byRoom', partitionKey: { name: 'roomId', type: 'S' }, projection: 'KEYS_ONLY' },
  ],
  localSecondaryIndexes: [{ indexName: 'bySentAt', partitionKey: { name: 'pk', type: 'S' }, sortKey: { name: 'sentAt', type: 'N' } }],
  stream: 'NEW_AND_OLD_IMAGES',
  timeToLiveAttribute: 'expiresAt',
};

const connections: TableDefinition = {
  name: 'connections',
  partitionKey: { name: 'connectionId', type: 'S' },
};

describe('createTables', () => {
  const dynamo = useDynamoDbLocal();

  it('creates missing tables and leaves existing ones (and their items) alone when run again', async () => {
    await createTables(dynamo.client, [messages, connections]);
    await dynamo.client.send(new PutItemCommand({ TableName: 'messages', Item: { pk: { S: 'room#1' }, sk: { S: 'msg#1' } } }));

    await createTables(dynamo.client, [messages, connections]);

    const tables = await dynamo.client.send(new ListTablesCommand({}));
    expect(tables.TableNames).toEqual(expect.arrayContaining(['messages', 'connections']));
    const item = await dynamo.client.send(
      new GetItemCommand({ TableName: 'messages', Key: { pk: { S: 'room#1' }, sk: { S: 'msg#1' } } }),
    );
    expect(item.Item).toEqual({ pk: { S: 'room#1' }, sk: { S: 'msg#1' } });
  });

  it('gives a table its keys, on-demand billing, GSIs, LSIs, stream and TTL', async () => {
    await createTables(dynamo.client, [messages]);
    const { Table: table } = await dynamo.client.send(new DescribeTableCommand({ TableName: 'messages' }));

    expect(table?.TableStatus).toBe('ACTIVE');
    expect(table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
    expect(table?.KeySchema).toEqual([
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
    expect(table?.AttributeDefinitions).toEqual(
      expect.arrayContaining([
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
        { AttributeName: 'authorId', AttributeType: 'S' },
        { AttributeName: 'sentAt', AttributeType: 'N' },
        { AttributeName: 'roomId', AttributeType: 'S' },
      ]),
    );
    expect(table?.AttributeDefinitions).toHaveLength(5);

    const gsis = Object.fromEntries((table?.GlobalSecondaryIndexes ?? []).map((index) => [index.IndexName, index]));
    expect(gsis.byAuthor).toMatchObject({
      KeySchema: [
        { AttributeName: 'authorId', KeyType: 'HASH' },
        { AttributeName: 'sentAt', KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'ALL' },
    });
    expect(gsis.byRoom).toMatchObject({
      KeySchema: [{ AttributeName: 'roomId', KeyType: 'HASH' }],
      Projection: { ProjectionType: 'KEYS_ONLY' },
    });

    expect(table?.LocalSecondaryIndexes).toEqual([
      expect.objectContaining({
        IndexName: 'bySentAt',
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sentAt', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      }),
    ]);

    expect(table?.StreamSpecification).toEqual({ StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' });
    expect(table?.LatestStreamArn).toMatch(/:table\/messages\/stream\//);

    const ttl = await dynamo.client.send(new DescribeTimeToLiveCommand({ TableName: 'messages' }));
    expect(ttl.TimeToLiveDescription).toEqual({ TimeToLiveStatus: 'ENABLED', AttributeName: 'expiresAt' });
  });

  it('adds no stream and no TTL when the definition has none', async () => {
    await createTables(dynamo.client, [connections]);
    const { Table: table } = await dynamo.client.send(new DescribeTableCommand({ TableName: 'connections' }));
    expect(table?.KeySchema).toEqual([{ AttributeName: 'connectionId', KeyType: 'HASH' }]);
    expect(table?.StreamSpecification).toBeUndefined();
    expect(table?.GlobalSecondaryIndexes).toBeUndefined();
    const ttl = await dynamo.client.send(new DescribeTimeToLiveCommand({ TableName: 'connections' }));
    expect(ttl.TimeToLiveDescription?.TimeToLiveStatus).toBe('DISABLED');
  });

  it('enables a missing TTL on an existing table (left by an interrupted run)', async () => {
    await dynamo.client.send(
      new CreateTableCommand({
        TableName: 'sessions',
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      }),
    );
    await createTables(dynamo.client, [
      { name: 'sessions', partitionKey: { name: 'id', type: 'S' }, timeToLiveAttribute: 'expiresAt' },
    ]);
    const ttl = await dynamo.client.send(new DescribeTimeToLiveCommand({ TableName: 'sessions' }));
    expect(ttl.TimeToLiveDescription).toEqual({ TimeToLiveStatus: 'ENABLED', AttributeName: 'expiresAt' });
  });

  it('rejects an attribute declared with two types before creating anything', async () => {
    const conflicting: TableDefinition = {
      name: 'conflicting',
      partitionKey: { name: 'pk', type: 'S' },
      globalSecondaryIndexes: [{ indexName: 'byPk', partitionKey: { name: 'pk', type: 'N' } }],
    };
    const attempt = createTables(dynamo.client, [conflicting]);
    await expect(attempt).rejects.toBeInstanceOf(TableDefinitionError);
    await expect(attempt).rejects.toThrow(/"pk" is declared as both S and N/);
    const tables = await dynamo.client.send(new ListTablesCommand({}));
    expect(tables.TableNames).not.toContain('conflicting');
  });
});
