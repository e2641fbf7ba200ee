/** Event filtering (FilterCriteria) by the stream poller, on DynamoDB Local's stream. */
import { describe, expect, it } from 'vitest';
import {
  startStreamPoller,
  StreamConsumerDefinitionError,
  type EventFilterPattern,
} from '../../local/dynamodb-streams/index.js';
import { useDynamoDbLocal } from '../support/dynamodb.js';
import { createStreamTable, putItems, range, recordingFunction } from './helpers.js';

/** Keeps the items of {@link putItems} whose `n` is one of `numbers` (DynamoDB numbers are strings in the record). */
const itemsNumbered = (numbers: readonly number[]): EventFilterPattern => ({
  dynamodb: { NewImage: { n: { N: numbers.map(String) } } },
});

describe('stream poller: filters', () => {
  const dynamo = useDynamoDbLocal();

  it('sends only matching records, in order, in batches that count only those', async () => {
    const tableName = await createStreamTable(dynamo.client);
    await putItems(dynamo.client, tableName, 0, 30);
    const consumer = recordingFunction();
    const multiplesOf3 = range(0, 30).filter((n) => n % 3 === 0);
    const poller = await startStreamPoller({
      endpoint: dynamo.endpoint,
      tableName,
      // The window lets a batch fill up to batchSize with kept records, however many filtered ones lie between.
      consumer: { table: tableName, function: 'filtered', batchSize: 4, maximumBatchingWindowSeconds: 0.3, filters: [itemsNumbered(multiplesOf3)] },
      invoke: consumer.invoke,
      pollIntervalMs: 10,
    });
    await poller.drain();
    await poller.stop();

    expect(consumer.invocations.map((call) => call.items)).toEqual([[0, 3, 6, 9], [12, 15, 18, 21], [24, 27]]);
    expect(consumer.events.flatMap((event) => event.Records.map((record) => record.eventName))).toEqual(Array(10).fill('INSERT'));
  });

  it('invokes nothing for records no filter matches, moves past them, and leaves unfiltered mappings alone', async () => {
    const tableName = await createStreamTable(dynamo.client);
    const filtered = recordingFunction();
    const unfiltered = recordingFunction();
    const common = { endpoint: dynamo.endpoint, tableName, pollIntervalMs: 10 } as const;
    const [filteredPoller, unfilteredPoller] = await Promise.all([
      startStreamPoller({
        ...common,
        // Two filters, ORed.
        consumer: { table: tableName, function: 'filtered', filters: [itemsNumbered([100]), itemsNumbered([102])] },
        invoke: filtered.invoke,
      }),
      startStreamPoller({ ...common, consumer: { table: tableName, function: 'unfiltered' }, invoke: unfiltered.invoke }),
    ]);
    try {
      await putItems(dynamo.client, tableName, 0, 20);
      await filteredPoller.drain(); // caught up although nothing was delivered
      expect(filtered.invocations).toEqual([]);

      await putItems(dynamo.client, tableName, 100, 103);
      await Promise.all([filteredPoller.drain(), unfilteredPoller.drain()]);
      expect(filtered.delivered()).toEqual([100, 102]);
      expect(unfiltered.delivered()).toEqual([...range(0, 20), 100, 101, 102]);
    } finally {
      await Promise.all([filteredPoller.stop(), unfilteredPoller.stop()]);
    }
  });

  it('refuses to start with a pattern Lambda would refuse or this mapping cannot apply', async () => {
    const tableName = await createStreamTable(dynamo.client);
    const start = (filters: EventFilterPattern[]) =>
      startStreamPoller({
        endpoint: dynamo.endpoint,
        tableName,
        consumer: { table: tableName, function: 'f', filters },
        invoke: async () => {},
      });
    await expect(start([{ dynamodb: { NewImage: { n: { N: [{ wildcard: '1*' }] } } } }])).rejects.toThrow(
      /Stream consumer "f": filters\[0\] at dynamodb\.NewImage\.n\.N: unsupported operator "wildcard"/,
    );
    await expect(start([{ dynamodb: { NewImage: { n: { N: '1' } } } }])).rejects.toBeInstanceOf(StreamConsumerDefinitionError);
    await expect(start([{ dynamodb: { NewImage: { n: { N: [] } } } }])).rejects.toThrow(/filters\[0\] at dynamodb\.NewImage\.n\.N: an empty list/);
  });
});
