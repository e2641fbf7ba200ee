/**
 * The DynamoDB Streams side of the wire client, against a real DynamoDB Local: records come back as the wire has
 * them (binary in base64, creation time in epoch seconds — the form Lambda delivers), DynamoDB's errors keep their
 * exception names, and an aborted call stops at once.
 */
import { randomBytes } from 'node:crypto';
import { DescribeTableCommand, PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoDbClient, createTables, LOCAL_REGION, startDynamoDbLocal, type DynamoDbLocal } from '../../local/dynamodb/index.js';
import { DynamoDbServiceError } from '../../local/dynamodb/errors.js';
import { streamsWireClient, type DynamoDbStreamsOperations, type WireClient } from '../../local/dynamodb/wire-client.js';

const TABLE = `streams-wire-${randomBytes(4).toString('hex')}`;

describe('streamsWireClient against DynamoDB Local', () => {
  let dynamoDb: DynamoDbLocal;
  let client: DynamoDBClient;
  let streams: WireClient<DynamoDbStreamsOperations>;
  let streamArn: string;

  beforeAll(async () => {
    dynamoDb = await startDynamoDbLocal({});
    client = createDynamoDbClient(dynamoDb.endpoint);
    await createTables(client, [{ name: TABLE, partitionKey: { name: 'id', type: 'S' }, stream: 'NEW_AND_OLD_IMAGES' }]);
    const { Table } = await client.send(new DescribeTableCommand({ TableName: TABLE }));
    streamArn = Table?.LatestStreamArn ?? '';
    streams = streamsWireClient({ endpoint: dynamoDb.endpoint, region: LOCAL_REGION, accessKeyId: 'local', maxAttempts: 1 });
  });

  afterAll(async () => {
    client.destroy();
    await dynamoDb.stop();
  });

  it('reads records in their wire form: base64 binary, epoch-second creation times', async () => {
    const { StreamDescription } = await streams.send('DescribeStream', { StreamArn: streamArn });
    const shardId = StreamDescription?.Shards?.[0]?.ShardId;
    expect(shardId).toEqual(expect.any(String));
    const { ShardIterator } = await streams.send('GetShardIterator', {
      StreamArn: streamArn,
      ShardId: shardId,
      ShardIteratorType: 'TRIM_HORIZON',
    });
    const bytes = Uint8Array.from([0, 1, 2, 250]);
    await client.send(new PutItemCommand({ TableName: TABLE, Item: { id: { S: 'a' }, blob: { B: bytes }, set: { BS: [bytes] } } }));

    const { Records } = await streams.send('GetRecords', { ShardIterator, Limit: 10 });
    expect(Records).toHaveLength(1);
    const record = Records?.[0];
    expect(record?.eventName).toBe('INSERT');
    const base64 = Buffer.from(bytes).toString('base64');
    expect(record?.dynamodb?.NewImage).toEqual({ id: { S: 'a' }, blob: { B: base64 }, set: { BS: [base64] } });
    // The SDK would have made a Date of it; the wire (and Lambda) have a number of seconds.
    const created: unknown = record?.dynamodb?.ApproximateCreationDateTime;
    expect(typeof created).toBe('number');
    expect(Math.abs(Number(created) - Date.now() / 1000)).toBeLessThan(120);
  });

  it("answers DynamoDB's errors with their exception names", async () => {
    const missing = streamArn.replace(TABLE, `${TABLE}-missing`);
    const failure = await streams.send('DescribeStream', { StreamArn: missing }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(DynamoDbServiceError);
    expect((failure as DynamoDbServiceError).exceptionName).toBe('ResourceNotFoundException');
    expect((failure as DynamoDbServiceError).statusCode).toBe(400);
  });

  it('stops a call when its signal aborts', async () => {
    const controller = new AbortController();
    const reason = new Error('stopped');
    controller.abort(reason);
    await expect(streams.send('DescribeStream', { StreamArn: streamArn }, { signal: controller.signal })).rejects.toBe(reason);
  });
});
