import {
  CreateTableCommand,
  DeleteItemCommand,
  DescribeTableCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import {
  StreamConsumerDefinitionError,
  StreamNotEnabledError,
  startStreamPoller,
} from '../../local/dynamodb-streams/index.js';
import { createStreamTable, recordingFunction } from './helpers.js';
import { useDynamoDbLocal } from '../support/dynamodb.js';

describe('stream poller: the Lambda event', () => {
  const dynamo = useDynamoDbLocal();

  it('delivers INSERT, MODIFY and REMOVE in Lambda’s JSON shape, field by field', async () => {
    const tableName = await createStreamTable(dynamo.client, 'NEW_AND_OLD_IMAGES');
    const { Table: table } = await dynamo.client.send(new DescribeTableCommand({ TableName: tableName }));
    const consumer = recordingFunction();
    const poller = await startStreamPoller({
      endpoint: dynamo.endpoint,
      tableName,
      consumer: { table: tableName, function: 'shape' },
      invoke: consumer.invoke,
      region: 'eu-west-1',
      pollIntervalMs: 20,
    });
    const writtenFrom = Date.now();
    const item = {
      pk: { S: 'room#1' },
      count: { N: '42.50' },
      avatar: { B: new Uint8Array([0, 1, 2, 250, 255]) },
      tags: { SS: ['a', 'b'] },
      scores: { NS: ['1', '2.5'] },
      blobs: { BS: [new Uint8Array([1]), new Uint8Array([2, 3])] },
      profile: { M: { name: { S: 'Ada' }, picture: { B: new Uint8Array([9, 8]) }, age: { N: '36' } } },
      history: { L: [{ N: '1' }, { S: 'x' }, { B: new Uint8Array([7]) }] },
      online: { BOOL: true },
      nothing: { NULL: true },
    };
    await dynamo.client.send(new PutItemCommand({ TableName: tableName, Item: item }));
    await dynamo.client.send(
      new UpdateItemCommand({
        TableName: tableName,
        Key: { pk: { S: 'room#1' } },
        UpdateExpression: 'SET #count = :count',
        ExpressionAttributeNames: { '#count': 'count' },
        ExpressionAttributeValues: { ':count': { N: '43' } },
      }),
    );
    await dynamo.client.send(new DeleteItemCommand({ TableName: tableName, Key: { pk: { S: 'room#1' } } }));
    const writtenUntil = Date.now();
    await poller.drain();
    await poller.stop();

    const records = consumer.events.flatMap((event) => event.Records);
    expect(records.map((record) => record.eventName)).toEqual(['INSERT', 'MODIFY', 'REMOVE']);

    // Lambda's region and ARN, not DynamoDB Local's `ddblocal`.
    const label = table?.LatestStreamLabel;
    const arn = `arn:aws:dynamodb:eu-west-1:000000000000:table/${tableName}/stream/${label}`;
    expect(poller.eventSourceArn).toBe(arn);

    const imageJson = {
      pk: { S: 'room#1' },
      count: { N: '42.5' }, // numbers stay strings (DynamoDB normalises them)
      avatar: { B: 'AAEC+v8=' }, // binaries are base64 strings
      tags: { SS: ['a', 'b'] },
      scores: { NS: ['1', '2.5'] },
      blobs: { BS: ['AQ==', 'AgM='] },
      profile: { M: { name: { S: 'Ada' }, picture: { B: 'CQg=' }, age: { N: '36' } } },
      history: { L: [{ N: '1' }, { S: 'x' }, { B: 'Bw==' }] },
      online: { BOOL: true },
      nothing: { NULL: true },
    };
    const [insert, modify, remove] = records as [DynamoDBRecord, DynamoDBRecord, DynamoDBRecord];
    for (const record of records) {
      expect(Object.keys(record)).toEqual([
        'eventID',
        'eventName',
        'eventVersion',
        'eventSource',
        'awsRegion',
        'dynamodb',
        'eventSourceARN',
      ]);
      expect(record.eventID).toMatch(/^[0-9a-f]{32}$/);
      expect(record.eventVersion).toBe('1.1');
      expect(record.eventSource).toBe('aws:dynamodb');
      expect(record.awsRegion).toBe('eu-west-1');
      expect(record.eventSourceARN).toBe(arn);
      const stream = record.dynamodb;
      // Epoch seconds as a JSON number (DynamoDB Local rounds it down to the minute).
      expect(typeof stream?.ApproximateCreationDateTime).toBe('number');
      expect(Number.isInteger(stream?.ApproximateCreationDateTime)).toBe(true);
      expect(stream?.ApproximateCreationDateTime).toBeGreaterThanOrEqual(Math.floor(writtenFrom / 60_000) * 60);
      expect(stream?.ApproximateCreationDateTime).toBeLessThanOrEqual(writtenUntil / 1000);
      expect(stream?.Keys).toEqual({ pk: { S: 'room#1' } });
      expect(stream?.SequenceNumber).toMatch(/^\d+$/);
      expect(stream?.SizeBytes).toBeGreaterThan(0);
      expect(stream?.StreamViewType).toBe('NEW_AND_OLD_IMAGES');
    }
    expect(new Set(records.map((record) => record.eventID)).size).toBe(3);
    const sequenceNumbers = records.map((record) => BigInt(record.dynamodb?.SequenceNumber ?? ''));
    expect(sequenceNumbers[0]! < sequenceNumbers[1]! && sequenceNumbers[1]! < sequenceNumbers[2]!).toBe(true);

    expect(insert.dynamodb?.NewImage).toEqual(imageJson);
    expect(insert.dynamodb).not.toHaveProperty('OldImage');
    expect(modify.dynamodb?.OldImage).toEqual(imageJson);
    expect(modify.dynamodb?.NewImage).toEqual({ ...imageJson, count: { N: '43' } });
    expect(remove.dynamodb?.OldImage).toEqual({ ...imageJson, count: { N: '43' } });
    expect(remove.dynamodb).not.toHaveProperty('NewImage');
    // Plain JSON all the way down: no Date, no Uint8Array left by the SDK.
    expect(JSON.parse(JSON.stringify(consumer.events))).toEqual(consumer.events);
  });

  it('sends only keys for a KEYS_ONLY stream', async () => {
    const tableName = await createStreamTable(dynamo.client, 'KEYS_ONLY');
    const consumer = recordingFunction();
    const poller = await startStreamPoller({
      endpoint: dynamo.endpoint,
      tableName,
      consumer: { table: tableName, function: 'keys' },
      invoke: consumer.invoke,
      pollIntervalMs: 20,
    });
    await dynamo.client.send(new PutItemCommand({ TableName: tableName, Item: { pk: { S: 'k' }, body: { S: 'hi' } } }));
    await poller.drain();
    await poller.stop();

    const [record] = consumer.events.flatMap((event) => event.Records);
    expect(record?.awsRegion).toBe('us-east-1');
    expect(record?.eventSourceARN).toMatch(/^arn:aws:dynamodb:us-east-1:000000000000:table\//);
    expect(record?.dynamodb?.Keys).toEqual({ pk: { S: 'k' } });
    expect(record?.dynamodb?.StreamViewType).toBe('KEYS_ONLY');
    expect(record?.dynamodb).not.toHaveProperty('NewImage');
    expect(record?.dynamodb).not.toHaveProperty('OldImage');
  });

  it('refuses a table without a stream and settings Lambda would reject', async () => {
    await dynamo.client.send(
      new CreateTableCommand({
        TableName: 'no-stream',
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      }),
    );
    const invoke = async (): Promise<void> => {};
    await expect(
      startStreamPoller({
        endpoint: dynamo.endpoint,
        tableName: 'no-stream',
        consumer: { table: 'no-stream', function: 'f' },
        invoke,
      }),
    ).rejects.toBeInstanceOf(StreamNotEnabledError);
    await expect(
      startStreamPoller({
        endpoint: 'http://127.0.0.1:1', // nothing listens: fails at once rather than waiting
        tableName: 'no-stream',
        consumer: { table: 'no-stream', function: 'f' },
        invoke,
      }),
    ).rejects.toThrow();

    const tableName = await createStreamTable(dynamo.client);
    for (const bad of [{ batchSize: 0 }, { batchSize: 10_001 }, { maximumBatchingWindowSeconds: 301 }, { maximumRetryAttempts: -2 }]) {
      await expect(
        startStreamPoller({ endpoint: dynamo.endpoint, tableName, consumer: { table: tableName, function: 'f', ...bad }, invoke }),
      ).rejects.toBeInstanceOf(StreamConsumerDefinitionError);
    }
  });
});
