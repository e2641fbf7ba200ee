import type { DynamoDBStreamEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import {
  BatchDiscardedError,
  FunctionBatchError,
  InvalidBatchResponseError,
  startStreamPoller,
  type StreamConsumerDefinition,
} from '../../local/dynamodb-streams/index.js';
import { createStreamTable, FAST_RETRIES, putItems, range, recordingFunction } from './helpers.js';
import { useDynamoDbLocal } from '../support/dynamodb.js';

function sequenceNumberOf(event: DynamoDBStreamEvent, item: number): string {
  const record = event.Records.find((r) => r.dynamodb?.NewImage?.n?.N === String(item));
  return record?.dynamodb?.SequenceNumber ?? '';
}

describe('stream poller: failures, retries and checkpoints', () => {
  const dynamo = useDynamoDbLocal();

  /**
   * Writes items [0, count) before the poller starts (so batches are cut from a backlog, deterministically), runs
   * the consumer until drained, and returns what it saw.
   */
  async function consume(
    count: number,
    consumer: Omit<StreamConsumerDefinition, 'table' | 'function'>,
    respond: Parameters<typeof recordingFunction>[0],
  ): Promise<{ fn: ReturnType<typeof recordingFunction>; errors: unknown[] }> {
    const tableName = await createStreamTable(dynamo.client);
    await putItems(dynamo.client, tableName, 0, count);
    const fn = recordingFunction(respond);
    const errors: unknown[] = [];
    const poller = await startStreamPoller({
      endpoint: dynamo.endpoint,
      tableName,
      consumer: { table: tableName, function: 'consumer', ...consumer },
      invoke: fn.invoke,
      pollIntervalMs: 10,
      retryBackoff: FAST_RETRIES,
      onError: (error) => errors.push(error),
    });
    await poller.drain();
    await poller.stop();
    return { fn, errors };
  }

  it('bisects a batch around a failing record and retries it until it passes, skipping and repeating nothing', async () => {
    let failuresOf6 = 0;
    const { fn, errors } = await consume(15, { batchSize: 10 }, (items) => {
      if (items.includes(6) && failuresOf6 < 3) {
        failuresOf6++;
        throw new Error('record 6 is not ready');
      }
    });

    expect(fn.invocations).toEqual([
      { items: range(0, 10), outcome: 'threw' },
      { items: [0, 1, 2, 3, 4], outcome: 'ok' },
      { items: [5, 6, 7, 8, 9], outcome: 'threw' },
      { items: [5, 6, 7], outcome: 'threw' },
      { items: [5, 6], outcome: 'ok' },
      { items: [7], outcome: 'ok' },
      { items: [8, 9], outcome: 'ok' },
      { items: range(10, 15), outcome: 'ok' },
    ]);
    expect(fn.delivered()).toEqual(range(0, 15));
    expect(errors).toHaveLength(3);
    for (const error of errors) {
      expect(error).toBeInstanceOf(FunctionBatchError);
      expect((error as FunctionBatchError).failedFrom).toBe(0);
      expect(((error as FunctionBatchError).cause as Error).message).toBe('record 6 is not ready');
    }
  });

  it('discards a record once maximumRetryAttempts is spent, then goes on after it', async () => {
    const { fn, errors } = await consume(15, { batchSize: 10, maximumRetryAttempts: 2 }, (items) => {
      if (items.includes(6)) throw new Error('record 6 is poison');
    });

    expect(fn.invocations).toEqual([
      { items: range(0, 10), outcome: 'threw' },
      { items: [0, 1, 2, 3, 4], outcome: 'ok' },
      { items: [5, 6, 7, 8, 9], outcome: 'threw' },
      { items: [5, 6, 7], outcome: 'threw' },
      { items: [5, 6], outcome: 'threw' },
      { items: [5], outcome: 'ok' },
      { items: [6], outcome: 'threw' }, // first try of the single record
      { items: [6], outcome: 'threw' }, // retry 1
      { items: [6], outcome: 'threw' }, // retry 2, the last
      { items: [7], outcome: 'ok' },
      { items: [8, 9], outcome: 'ok' },
      { items: range(10, 15), outcome: 'ok' },
    ]);
    expect(fn.delivered()).toEqual([...range(0, 6), ...range(7, 15)]);
    const discarded = errors.filter((error) => error instanceof BatchDiscardedError);
    expect(discarded).toHaveLength(1);
    expect(discarded[0]?.records.map((record) => record.dynamodb?.NewImage?.n?.N)).toEqual(['6']);
    expect(discarded[0]?.retryAttempts).toBe(2);
  });

  it('without bisecting, retries the whole batch and discards it whole when retries run out', async () => {
    const { fn, errors } = await consume(
      10,
      { batchSize: 5, bisectBatchOnFunctionError: false, maximumRetryAttempts: 1 },
      (items) => {
        if (items.includes(2)) throw new Error('record 2 is poison');
      },
    );

    expect(fn.invocations).toEqual([
      { items: range(0, 5), outcome: 'threw' },
      { items: range(0, 5), outcome: 'threw' },
      { items: range(5, 10), outcome: 'ok' },
    ]);
    const discarded = errors.filter((error) => error instanceof BatchDiscardedError);
    expect(discarded.map((error) => error.records.length)).toEqual([5]);
  });

  it('retries forever by default, blocking the shard until the batch succeeds', async () => {
    let failures = 0;
    const { fn } = await consume(10, { batchSize: 5, bisectBatchOnFunctionError: false }, (items) => {
      if (items.includes(0) && failures < 4) {
        failures++;
        throw new Error('not yet');
      }
    });

    expect(fn.invocations).toEqual([
      ...Array.from({ length: 4 }, () => ({ items: range(0, 5), outcome: 'threw' })),
      { items: range(0, 5), outcome: 'ok' },
      { items: range(5, 10), outcome: 'ok' },
    ]);
  });

  it('checkpoints before the lowest reported batchItemFailure and retries from there only', async () => {
    let first = true;
    const { fn, errors } = await consume(10, { batchSize: 10 }, (_items, event) => {
      if (!first) return { batchItemFailures: [] };
      first = false;
      return {
        batchItemFailures: [{ itemIdentifier: sequenceNumberOf(event, 7) }, { itemIdentifier: sequenceNumberOf(event, 3) }],
      };
    });

    expect(fn.invocations).toEqual([
      { items: range(0, 10), outcome: 'partial' },
      { items: range(3, 10), outcome: 'ok' }, // 0–2 succeeded: not sent again
    ]);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(FunctionBatchError);
    expect((errors[0] as FunctionBatchError).failedFrom).toBe(3);
  });

  it('checkpoints without bisecting too, and counts a partial failure as a retry', async () => {
    const { fn, errors } = await consume(
      8,
      { batchSize: 8, bisectBatchOnFunctionError: false, maximumRetryAttempts: 1 },
      (items, event) => (items.includes(5) ? { batchItemFailures: [{ itemIdentifier: sequenceNumberOf(event, 5) }] } : null),
    );

    expect(fn.invocations).toEqual([
      { items: range(0, 8), outcome: 'partial' }, // 0–4 succeeded
      { items: range(5, 8), outcome: 'partial' }, // retry 1, the last
    ]);
    const discarded = errors.filter((error) => error instanceof BatchDiscardedError);
    expect(discarded.flatMap((error) => error.records.map((record) => record.dynamodb?.NewImage?.n?.N))).toEqual(['5', '6', '7']);
  });

  it('treats a batch response naming no record of the batch as a failure of the whole batch', async () => {
    const responses: unknown[] = [
      { batchItemFailures: [{ itemIdentifier: '999999999999999999999' }] }, // not in the batch
      { batchItemFailures: [{ itemIdentifier: '' }] },
      { batchItemFailures: [{ sequenceNumber: '1' }] }, // wrong key
      { batchItemFailures: 'all' },
      { batchItemFailures: [] }, // success
    ];
    const { fn, errors } = await consume(4, { batchSize: 4, bisectBatchOnFunctionError: false }, () => responses.shift());

    expect(fn.invocations.map((call) => call.items)).toEqual(Array.from({ length: 5 }, () => range(0, 4)));
    expect(errors).toHaveLength(4);
    for (const error of errors) {
      expect((error as FunctionBatchError).cause).toBeInstanceOf(InvalidBatchResponseError);
    }
  });

  it('ignores batchItemFailures when reportBatchItemFailures is off', async () => {
    const { fn, errors } = await consume(4, { batchSize: 4, reportBatchItemFailures: false }, (_items, event) => ({
      batchItemFailures: [{ itemIdentifier: sequenceNumberOf(event, 1) }],
    }));

    expect(fn.invocations.map((call) => call.items)).toEqual([range(0, 4)]);
    expect(errors).toEqual([]);
  });
});
