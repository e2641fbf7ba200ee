/** Shared pieces of the stream poller tests: tables, writes, and a function that records what it was sent. */
import { BatchWriteItemCommand, PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { TableDefinition } from '../../local/appsync/description.js';
import { createTables } from '../../local/dynamodb/index.js';
import type { StreamPollerOptions } from '../../local/dynamodb-streams/index.js';

let tableCount = 0;

/** A fresh table `{ pk: S }` with a stream, so tests sharing one DynamoDB Local do not see each other's records. */
export async function createStreamTable(
  client: DynamoDBClient,
  stream: NonNullable<TableDefinition['stream']> = 'NEW_AND_OLD_IMAGES',
): Promise<string> {
  const name = `stream-test-${++tableCount}`;
  await createTables(client, [{ name, partitionKey: { name: 'pk', type: 'S' }, stream }]);
  return name;
}

/** Items `{ pk: 'item-<n>', n }` for n in [from, to), one PutItem each, in order (so stream order is n order). */
export async function putItems(client: DynamoDBClient, tableName: string, from: number, to: number): Promise<void> {
  for (let n = from; n < to; n++) {
    await client.send(new PutItemCommand({ TableName: tableName, Item: { pk: { S: `item-${n}` }, n: { N: String(n) } } }));
  }
}

/** Same items as {@link putItems}, 25 to a BatchWriteItem: faster, order within a request not guaranteed. */
export async function batchPutItems(client: DynamoDBClient, tableName: string, from: number, to: number): Promise<void> {
  for (let start = from; start < to; start += 25) {
    const items = range(start, Math.min(start + 25, to)).map((n) => ({
      PutRequest: { Item: { pk: { S: `item-${n}` }, n: { N: String(n) } } },
    }));
    await client.send(new BatchWriteItemCommand({ RequestItems: { [tableName]: items } }));
  }
}

/** The `n` of a record written by {@link putItems}. */
export function itemNumber(record: DynamoDBRecord): number {
  return Number(record.dynamodb?.NewImage?.n?.N ?? record.dynamodb?.Keys?.pk?.S?.replace('item-', ''));
}

/** One invocation as the function saw it: the item numbers it was sent, and whether it failed. */
export interface Invocation {
  readonly items: number[];
  readonly outcome: 'ok' | 'threw' | 'partial';
}

/**
 * A stream consumer function for tests. `respond` decides each invocation: return a value to answer it, throw to
 * fail it. `invocations` logs every call; `delivered` lists the items of successful ones, in order.
 */
export function recordingFunction(respond: (items: number[], event: DynamoDBStreamEvent) => unknown = () => undefined): {
  readonly invoke: StreamPollerOptions['invoke'];
  readonly invocations: Invocation[];
  readonly events: DynamoDBStreamEvent[];
  delivered(): number[];
} {
  const invocations: Invocation[] = [];
  const events: DynamoDBStreamEvent[] = [];
  return {
    invocations,
    events,
    invoke: async (event) => {
      events.push(event);
      const items = event.Records.map(itemNumber);
      try {
        const result = await respond(items, event);
        const partial = (result as { batchItemFailures?: unknown[] } | undefined)?.batchItemFailures?.length;
        invocations.push({ items, outcome: partial ? 'partial' : 'ok' });
        return result;
      } catch (error) {
        invocations.push({ items, outcome: 'threw' });
        throw error;
      }
    },
    delivered: () => invocations.filter((call) => call.outcome === 'ok').flatMap((call) => call.items),
  };
}

/** [from, to) */
export function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}

/** Backoff small enough that retries do not slow the tests. */
export const FAST_RETRIES = { initialDelayMs: 1, maxDelayMs: 5 } as const;
