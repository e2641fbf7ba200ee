/**
 * Shards close and hand over to children, as DynamoDB Local does every 4 hours. The test ages the open shard in
 * DynamoDB Local's database file (with the sqlite3 command-line tool) and restarts it, which rolls the shard over.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeStreamCommand, DynamoDBStreamsClient, type Shard } from '@aws-sdk/client-dynamodb-streams';
import { afterAll, describe, expect, it } from 'vitest';
import { createDynamoDbClient, LOCAL_REGION, startDynamoDbLocal, type DynamoDbLocal } from '../../local/dynamodb/index.js';
import { StreamReadError, startStreamPoller } from '../../local/dynamodb-streams/index.js';
import { createStreamTable, putItems, range, recordingFunction } from './helpers.js';

const sqlite3Available = spawnSync('sqlite3', ['-version']).status === 0;
const FIVE_HOURS_MS = 5 * 3600 * 1000;

async function streamShards(endpoint: string, streamArn: string): Promise<Shard[]> {
  const streams = new DynamoDBStreamsClient({
    endpoint,
    region: LOCAL_REGION,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    return (await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }))).StreamDescription?.Shards ?? [];
  } finally {
    streams.destroy();
  }
}

describe.skipIf(!sqlite3Available)('stream poller: shard lineage', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'wavechat-stream-lineage-'));
  let dynamoDb: DynamoDbLocal | undefined;
  let client: DynamoDBClient | undefined;

  afterAll(async () => {
    client?.destroy();
    await dynamoDb?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('reads a closed shard to its end, then its child from the beginning, across a DynamoDB Local restart', async () => {
    dynamoDb = await startDynamoDbLocal({ dataDir });
    const { port } = dynamoDb;
    client = createDynamoDbClient(dynamoDb.endpoint);
    const tableName = await createStreamTable(client);
    const { Table: table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    const streamArn = table?.LatestStreamArn ?? '';

    const consumer = recordingFunction();
    const errors: unknown[] = [];
    const poller = await startStreamPoller({
      endpoint: dynamoDb.endpoint,
      tableName,
      consumer: { table: tableName, function: 'lineage', batchSize: 3 },
      invoke: consumer.invoke,
      pollIntervalMs: 10,
      retryBackoff: { initialDelayMs: 10, maxDelayMs: 100 },
      onError: (error) => errors.push(error),
    });
    await putItems(client, tableName, 0, 5);
    await poller.drain();
    expect(consumer.delivered()).toEqual(range(0, 5));

    // Written while nobody reads: they wait in the shard that is about to close.
    await putItems(client, tableName, 5, 8);
    client.destroy();
    await dynamoDb.stop();
    const database = join(dataDir, 'shared-local-instance.db');
    execFileSync('sqlite3', [database, `UPDATE ss SET CreationDateTime = CreationDateTime - ${FIVE_HOURS_MS}`]);
    dynamoDb = await startDynamoDbLocal({ dataDir, port }); // rolls the aged shard over as it starts
    client = createDynamoDbClient(dynamoDb.endpoint);
    let shards = await streamShards(dynamoDb.endpoint, streamArn);
    while (shards.length < 2) {
      await delay(50);
      shards = await streamShards(dynamoDb.endpoint, streamArn);
    }
    const [parent, child] = shards;
    expect(parent?.SequenceNumberRange?.EndingSequenceNumber).toBeDefined();
    expect(child?.ParentShardId).toBe(parent?.ShardId);

    await putItems(client, tableName, 8, 12); // into the child shard
    await poller.drain();
    await poller.stop();

    expect(consumer.delivered()).toEqual(range(0, 12));
    // It went on polling through the restart.
    expect(errors.some((error) => error instanceof StreamReadError)).toBe(true);

    // LATEST skips the closed parent and starts at the end of the child.
    const latest = recordingFunction();
    const latestPoller = await startStreamPoller({
      endpoint: dynamoDb.endpoint,
      tableName,
      consumer: { table: tableName, function: 'latest', startingPosition: 'LATEST' },
      invoke: latest.invoke,
      pollIntervalMs: 10,
    });
    await putItems(client, tableName, 12, 14);
    await latestPoller.drain();
    await latestPoller.stop();
    expect(latest.delivered()).toEqual([12, 13]);

    // TRIM_HORIZON reads the parent, then the child.
    const everything = recordingFunction();
    const fromStart = await startStreamPoller({
      endpoint: dynamoDb.endpoint,
      tableName,
      consumer: { table: tableName, function: 'all' },
      invoke: everything.invoke,
      pollIntervalMs: 10,
    });
    await fromStart.drain();
    await fromStart.stop();
    expect(everything.delivered()).toEqual(range(0, 14));
  });
});
