import { createHook } from 'node:async_hooks';
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import {
  DrainTimeoutError,
  StreamPollerStoppedError,
  startStreamPoller,
  type StreamPoller,
} from '../../local/dynamodb-streams/index.js';
import { batchPutItems, createStreamTable, FAST_RETRIES, putItems, range, recordingFunction } from './helpers.js';
import { useDynamoDbLocal } from '../support/dynamodb.js';

/** Timers and sockets created from now on and not yet gone (cleared, fired, closed). */
function trackResources(): { live(): string[]; stopTracking(): void } {
  const live = new Map<number, string>();
  const hook = createHook({
    init: (asyncId, type) => {
      if (type === 'Timeout' || type === 'TCPWRAP') live.set(asyncId, type);
    },
    destroy: (asyncId) => live.delete(asyncId),
  }).enable();
  return { live: () => [...live.values()], stopTracking: () => hook.disable() };
}

describe('stream poller: order, batches, drain and stop', () => {
  const dynamo = useDynamoDbLocal();

  it('delivers 500 writes in stream order, each once, in batches of at most batchSize, while they are written', async () => {
    const tableName = await createStreamTable(dynamo.client);
    const consumer = recordingFunction();
    const poller = await startStreamPoller({
      endpoint: dynamo.endpoint,
      tableName,
      consumer: { table: tableName, function: 'order', batchSize: 100 },
      invoke: consumer.invoke,
      pollIntervalMs: 10,
    });
    // Ten writers of 50 items each, side by side: a writer's items reach the stream in the order it wrote them.
    await Promise.all(range(0, 10).map((writer) => putItems(dynamo.client, tableName, writer * 50, writer * 50 + 50)));
    await poller.drain();
    await poller.stop();

    const delivered = consumer.delivered();
    expect([...delivered].sort((a, b) => a - b)).toEqual(range(0, 500));
    for (const writer of range(0, 10)) {
      expect(delivered.filter((n) => Math.floor(n / 50) === writer)).toEqual(range(writer * 50, writer * 50 + 50));
    }
    const sequenceNumbers = consumer.events.flatMap((event) => event.Records.map((r) => BigInt(r.dynamodb?.SequenceNumber ?? '')));
    expect(sequenceNumbers).toHaveLength(500);
    expect(sequenceNumbers.every((value, i) => i === 0 || value > sequenceNumbers[i - 1]!)).toBe(true);
    expect(consumer.invocations.every((call) => call.items.length >= 1 && call.items.length <= 100)).toBe(true);
    // Read while written: more than the 5 batches a backlog would give.
    expect(consumer.invocations.length).toBeGreaterThan(5);
  });

  it('cuts a backlog into batches of batchSize, one invocation at a time', async () => {
    const tableName = await createStreamTable(dynamo.client);
    await putItems(dynamo.client, tableName, 0, 35);
    let inFlight = 0;
    let maxInFlight = 0;
    const consumer = recordingFunction(async () => {
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      await delay(20);
      inFlight--;
    });
    const poller = await startStreamPoller({
      endpoint: dynamo.endpoint,
      tableName,
      consumer: { table: tableName, function: 'sizes', batchSize: 10 },
      invoke: consumer.invoke,
      pollIntervalMs: 10,
    });
    await poller.drain();
    await poller.stop();

    expect(consumer.invocations.map((call) => call.items)).toEqual([range(0, 10), range(10, 20), range(20, 30), range(30, 35)]);
    expect(maxInFlight).toBe(1);
  });

  it('waits up to maximumBatchingWindowSeconds to fill a batch, and no longer once it is full', async () => {
    const tableName = await createStreamTable(dynamo.client);
    const invokedAt: number[] = [];
    const consumer = recordingFunction(() => {
      invokedAt.push(performance.now());
    });
    const poller = await startStreamPoller({
      endpoint: dynamo.endpoint,
      tableName,
      consumer: { table: tableName, function: 'window', batchSize: 10, maximumBatchingWindowSeconds: 1 },
      invoke: consumer.invoke,
      pollIntervalMs: 10,
    });
    const writtenAt = performance.now();
    await putItems(dynamo.client, tableName, 0, 3);
    await poller.drain();
    // Three records, gathered for the whole window into one invocation.
    expect(consumer.invocations.map((call) => call.items)).toEqual([[0, 1, 2]]);
    expect(invokedAt[0]! - writtenAt).toBeGreaterThanOrEqual(950);

    // A full batch goes at once; the remainder waits for its window.
    await batchPutItems(dynamo.client, tableName, 3, 15);
    const fullFrom = performance.now();
    await poller.drain();
    await poller.stop();
    const [, full, rest] = consumer.invocations;
    expect(full?.items).toHaveLength(10);
    expect(rest?.items).toHaveLength(2);
    expect(invokedAt[1]! - fullFrom).toBeLessThan(900);
    expect(invokedAt[2]! - invokedAt[1]!).toBeGreaterThanOrEqual(950);
  });

  it('with LATEST, delivers only what is written after it started', async () => {
    const tableName = await createStreamTable(dynamo.client);
    await putItems(dynamo.client, tableName, 0, 5);
    const consumer = recordingFunction();
    const poller = await startStreamPoller({
      endpoint: dynamo.endpoint,
      tableName,
      consumer: { table: tableName, function: 'latest', startingPosition: 'LATEST' },
      invoke: consumer.invoke,
      pollIntervalMs: 10,
    });
    await putItems(dynamo.client, tableName, 5, 8);
    await poller.drain();
    await poller.stop();
    expect(consumer.delivered()).toEqual([5, 6, 7]);
  });

  it('drain() resolves only once every record written before it has been delivered', async () => {
    const tableName = await createStreamTable(dynamo.client);
    const consumer = recordingFunction(() => delay(30));
    const poller = await startStreamPoller({
      endpoint: dynamo.endpoint,
      tableName,
      consumer: { table: tableName, function: 'drain', batchSize: 5 },
      invoke: consumer.invoke,
      pollIntervalMs: 10,
    });
    await poller.drain(); // nothing written: resolves
    expect(consumer.invocations).toHaveLength(0);

    await putItems(dynamo.client, tableName, 0, 40);
    await poller.drain();
    expect(consumer.delivered()).toEqual(range(0, 40));

    await putItems(dynamo.client, tableName, 40, 45);
    await poller.drain();
    expect(consumer.delivered()).toEqual(range(0, 45));
    await poller.stop();
  });

  it('drain() times out while a record keeps failing, and rejects once stopped', async () => {
    const tableName = await createStreamTable(dynamo.client);
    const consumer = recordingFunction(() => {
      throw new Error('always');
    });
    const poller = await startStreamPoller({
      endpoint: dynamo.endpoint,
      tableName,
      consumer: { table: tableName, function: 'stuck' },
      invoke: consumer.invoke,
      pollIntervalMs: 10,
      retryBackoff: FAST_RETRIES,
      onError: () => {},
    });
    await putItems(dynamo.client, tableName, 0, 1);
    const error = await poller.drain(300).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(DrainTimeoutError);
    expect((error as DrainTimeoutError).pendingShardIds).toHaveLength(1);
    await poller.stop();
    await expect(poller.drain()).rejects.toBeInstanceOf(StreamPollerStoppedError);
  });

  it('stop() abandons a pending retry and leaves no timer or socket behind', async () => {
    const tableName = await createStreamTable(dynamo.client);
    await putItems(dynamo.client, tableName, 0, 1); // before tracking: the test's own dynamo.client reuses sockets
    const resources = trackResources();
    let failed: () => void = () => {};
    const firstFailure = new Promise<void>((resolve) => (failed = resolve));
    const consumer = recordingFunction(() => {
      throw new Error('always fails');
    });
    const poller = await startStreamPoller({
      endpoint: dynamo.endpoint,
      tableName,
      consumer: { table: tableName, function: 'stop' },
      invoke: consumer.invoke,
      pollIntervalMs: 10,
      retryBackoff: { initialDelayMs: 3_600_000, maxDelayMs: 3_600_000 }, // the retry waits an hour
      onError: () => failed(),
    });
    await firstFailure;

    const stopStartedAt = performance.now();
    await poller.stop();
    expect(performance.now() - stopStartedAt).toBeLessThan(1_000);
    for (let turn = 0; turn < 3; turn++) await new Promise((resolve) => setImmediate(resolve)); // destroy hooks run late
    resources.stopTracking();
    expect(resources.live()).toEqual([]);

    // Nothing runs after stop: a later write is not delivered.
    await putItems(dynamo.client, tableName, 1, 2);
    await delay(100);
    expect(consumer.invocations).toEqual([{ items: [0], outcome: 'threw' }]);
  });

  it('stop() waits for the invocation under way', async () => {
    const tableName = await createStreamTable(dynamo.client);
    let release: () => void = () => {};
    let invocationStarted: () => void = () => {};
    const started = new Promise<void>((resolve) => (invocationStarted = resolve));
    const consumer = recordingFunction(async () => {
      invocationStarted();
      await new Promise<void>((resolve) => (release = resolve));
    });
    const poller: StreamPoller = await startStreamPoller({
      endpoint: dynamo.endpoint,
      tableName,
      consumer: { table: tableName, function: 'stop-wait' },
      invoke: consumer.invoke,
      pollIntervalMs: 10,
    });
    await putItems(dynamo.client, tableName, 0, 1);
    await started;

    let stopped = false;
    const stopping = poller.stop().then(() => (stopped = true));
    await delay(50);
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(consumer.invocations).toEqual([{ items: [0], outcome: 'ok' }]);
  });
});
