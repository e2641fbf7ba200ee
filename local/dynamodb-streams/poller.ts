/**
 * What Lambda's event source mapping does for a DynamoDB stream, over DynamoDB Local's Streams API: follow the
 * stream's shards (parents before children), read each in order, batch, invoke, retry.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import type { Shard, ShardIteratorType } from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { createDynamoDbClient, LOCAL_REGION } from '../dynamodb/index.js';
import { DynamoDbServiceError } from '../dynamodb/errors.js';
import { streamsWireClient, type DynamoDbStreamsOperations, type WireClient } from '../dynamodb/wire-client.js';
import { backoffDelay, deliverBatch, type BufferedRecord, type DeliverySettings, type RetryBackoff } from './delivery.js';
import type { StreamConsumerDefinition } from './description.js';
import {
  DrainTimeoutError,
  StreamConsumerDefinitionError,
  StreamNotEnabledError,
  StreamPollerStoppedError,
  StreamReadError,
} from './errors.js';
import { compileEventFilters, type EventFilters } from './filters.js';
import { lambdaEventSourceArn, toLambdaRecord, type RecordOrigin } from './records.js';
import type { LocalLogger } from '../logging/logger.js';
import { withBatchLogging } from '../logging/streams.js';

export interface StreamPollerOptions {
  /** DynamoDB Local endpoint, e.g. `http://127.0.0.1:8000`. */
  readonly endpoint: string;
  /** The table whose stream is read (its deployed name; locally the definition's name). */
  readonly tableName: string;
  readonly consumer: StreamConsumerDefinition;
  /** Invokes the consumer function with a Lambda DynamoDB stream event; resolves with its result, rejects on error. */
  readonly invoke: (event: DynamoDBStreamEvent) => Promise<unknown>;
  /** Wait between GetRecords calls on a shard that had nothing new. @default 100 (Lambda polls ~4 times a second) */
  readonly pollIntervalMs?: number;
  /** The region put in `eventSourceARN` and `awsRegion` (DynamoDB Local calls its own `ddblocal`). @default 'us-east-1' */
  readonly region?: string;
  /** Failed invocations (they are retried), discarded batches and failed Streams API calls, for logs. */
  readonly onError?: (error: unknown) => void;
  /**
   * Exponential backoff between retries of the same records, and of failed Streams API calls.
   * @default { initialDelayMs: 100, maxDelayMs: 5000 }
   */
  readonly retryBackoff?: RetryBackoff;
  /** One info line per batch delivered (records, outcome, duration). @default silent */
  readonly logger?: LocalLogger;
}

export interface StreamPoller {
  /** The stream's ARN as Lambda reports it in `eventSourceARN`. */
  readonly eventSourceArn: string;
  /**
   * Resolves when every record written before the call has been delivered successfully, or discarded after its
   * retries ran out (for tests and shutdown).
   * @param timeoutMs @default 10000
   * @throws {@link DrainTimeoutError}, {@link StreamPollerStoppedError}
   */
  drain(timeoutMs?: number): Promise<void>;
  /**
   * Stops polling: waits for an invocation under way, abandons pending retries, leaves no timer or socket behind.
   * Safe to call more than once.
   */
  stop(): Promise<void>;
}

const DEFAULT_POLL_INTERVAL_MS = 100;
const DEFAULT_REGION = 'us-east-1';
const DEFAULT_DRAIN_TIMEOUT_MS = 10_000;
const DEFAULT_RETRY_BACKOFF: RetryBackoff = { initialDelayMs: 100, maxDelayMs: 5_000 };
/** A Streams call that has not answered by then failed (DynamoDB Local answers at once, even with nothing new). */
const REQUEST_TIMEOUT_MS = 10_000;
/** New shards appear when one closes (every 4 hours); a shard's end triggers a look too, this is the fallback. */
const SHARD_DISCOVERY_INTERVAL_MS = 1_000;
/** GetRecords returns at most 1000 records. */
const GET_RECORDS_LIMIT = 1_000;
/** Lambda's limit on a synchronous invocation's payload. */
const MAX_PAYLOAD_BYTES = 6 * 1024 * 1024;

/** The consumer's settings with Lambda's (and the description's) defaults applied. */
interface ConsumerSettings {
  readonly functionName: string;
  readonly batchSize: number;
  readonly batchingWindowMs: number;
  readonly startingPosition: 'TRIM_HORIZON' | 'LATEST';
  readonly bisectBatchOnFunctionError: boolean;
  readonly maximumRetryAttempts: number;
  readonly reportBatchItemFailures: boolean;
  /** Records that match none of these are dropped as they are read (Lambda's FilterCriteria). */
  readonly filters: EventFilters;
}

/** One GetRecords page: how many records it held, and those kept by the filters. */
interface ReadPage {
  readonly read: number;
  readonly kept: BufferedRecord[];
}

/**
 * Starts delivering the table's stream to a function, as a Lambda event source mapping would: resolves once the
 * shards to read are known and, for `LATEST`, their positions taken, so every later write is delivered.
 *
 * @throws {@link StreamNotEnabledError}, {@link StreamConsumerDefinitionError} (a setting or filter pattern Lambda
 *   would refuse), or the Streams API's error when DynamoDB Local cannot be read
 * @example
 * ```ts
 * const poller = await startStreamPoller({
 *   endpoint: dynamoDb.endpoint,
 *   tableName: 'connections',
 *   consumer: { table: 'connections', function: 'onConnectionChange', batchSize: 10 },
 *   invoke: (event) => invokeLambda(handler, event, { functionName: 'onConnectionChange' }),
 *   onError: (error) => logger.warn({ err: error }, 'stream consumer failed'),
 * });
 * await client.send(new PutItemCommand({ TableName: 'connections', Item: item }));
 * await poller.drain(); // the handler has seen the INSERT
 * await poller.stop();
 * ```
 */
export async function startStreamPoller(options: StreamPollerOptions): Promise<StreamPoller> {
  const settings = consumerSettings(options.consumer);
  const dynamoDb = createDynamoDbClient(options.endpoint, { maxAttempts: 1 });
  let streamArn: string | undefined;
  try {
    const { Table: table } = await dynamoDb.send(new DescribeTableCommand({ TableName: options.tableName }));
    streamArn = table?.StreamSpecification?.StreamEnabled === false ? undefined : table?.LatestStreamArn;
  } finally {
    dynamoDb.destroy();
  }
  if (streamArn === undefined) throw new StreamNotEnabledError(options.tableName);

  const region = options.region ?? DEFAULT_REGION;
  const poller = new ShardPoller(options, settings, streamArn, {
    region,
    eventSourceArn: lambdaEventSourceArn(streamArn, region),
  });
  try {
    await poller.start();
  } catch (error) {
    await poller.stop();
    throw error;
  }
  return {
    eventSourceArn: poller.origin.eventSourceArn,
    drain: (timeoutMs) => poller.drain(timeoutMs ?? DEFAULT_DRAIN_TIMEOUT_MS),
    stop: () => poller.stop(),
  };
}

function consumerSettings(consumer: StreamConsumerDefinition): ConsumerSettings {
  const settings: ConsumerSettings = {
    functionName: consumer.function,
    batchSize: consumer.batchSize ?? 100,
    batchingWindowMs: (consumer.maximumBatchingWindowSeconds ?? 0) * 1000,
    startingPosition: consumer.startingPosition ?? 'TRIM_HORIZON',
    bisectBatchOnFunctionError: consumer.bisectBatchOnFunctionError ?? true,
    maximumRetryAttempts: consumer.maximumRetryAttempts ?? -1,
    reportBatchItemFailures: consumer.reportBatchItemFailures ?? true,
    filters: compileEventFilters(consumer.function, consumer.filters),
  };
  const problem = (message: string): StreamConsumerDefinitionError =>
    new StreamConsumerDefinitionError(consumer.function, message);
  if (!Number.isInteger(settings.batchSize) || settings.batchSize < 1 || settings.batchSize > 10_000) {
    throw problem(`batchSize must be an integer from 1 to 10000, not ${settings.batchSize}`);
  }
  const windowSeconds = settings.batchingWindowMs / 1000;
  if (!(windowSeconds >= 0 && windowSeconds <= 300)) {
    throw problem(`maximumBatchingWindowSeconds must be from 0 to 300, not ${windowSeconds}`);
  }
  const retries = settings.maximumRetryAttempts;
  if (!Number.isInteger(retries) || retries < -1 || retries > 10_000) {
    throw problem(`maximumRetryAttempts must be -1 (forever) or an integer up to 10000, not ${retries}`);
  }
  return settings;
}

interface ShardState {
  readonly shardId: string;
  readonly parentShardId: string | undefined;
  /** waiting: for its parent; finished: read to its end and delivered, or skipped (closed before a LATEST start). */
  status: 'waiting' | 'reading' | 'finished';
  /** Where reading starts: the starting position for shards open at start, the beginning for later ones. */
  readonly start: 'TRIM_HORIZON' | 'LATEST';
  /**
   * performance.now() when the last GetRecords began that found the shard caught up (nothing new, everything read
   * delivered): every record written before that instant has been delivered.
   */
  caughtUpAt: number;
}

type ShardPosition = { ShardIteratorType: ShardIteratorType; SequenceNumber?: string };

/** Where reading a shard stands. */
interface ShardCursor {
  /** Undefined once the shard is closed and read to its end. */
  iterator: string | undefined;
  /** Last record read: where to resume with a new iterator. */
  lastSequenceNumber?: string;
  /** GetRecords failures in a row, for the backoff. */
  failures: number;
}

interface DrainWaiter {
  readonly since: number;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

class ShardPoller {
  private readonly streams: WireClient<DynamoDbStreamsOperations>;
  private readonly shards = new Map<string, ShardState>();
  private readonly tasks = new Set<Promise<void>>();
  private readonly waiters = new Set<DrainWaiter>();
  private readonly abort = new AbortController();
  private readonly pollIntervalMs: number;
  private readonly backoff: RetryBackoff;
  /** When the last successful DescribeStream began: shards created before it are in `shards`. */
  private discoveredAt = -Infinity;
  private discovery: Promise<void> | undefined;
  private discoverAgain = false;
  private stopping: Promise<void> | undefined;

  constructor(
    private readonly options: StreamPollerOptions,
    private readonly settings: ConsumerSettings,
    private readonly streamArn: string,
    readonly origin: RecordOrigin,
  ) {
    // Over the wire client rather than the SDK: polling is continuous, and the wire's records are already in the
    // form Lambda delivers (epoch-second times, base64 binaries), where the SDK's would need converting back.
    this.streams = streamsWireClient({
      endpoint: options.endpoint,
      region: LOCAL_REGION,
      accessKeyId: 'local',
      // Failures are retried by the poller, with its backoff, and reported once each.
      maxAttempts: 1,
      requestTimeoutMs: REQUEST_TIMEOUT_MS,
    });
    this.pollIntervalMs = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
    this.backoff = options.retryBackoff ?? DEFAULT_RETRY_BACKOFF;
  }

  /** Learns the shards and takes the starting positions of those to read first; throws if DynamoDB fails. */
  async start(): Promise<void> {
    const startedAt = performance.now();
    await this.discover(true);
    this.discoveredAt = startedAt;
    const ready = this.readyShards();
    const iterators = await Promise.all(ready.map((shard) => this.firstIterator(shard)));
    ready.forEach((shard, index) => this.startReading(shard, iterators[index]));
    this.track(this.discoverPeriodically());
  }

  drain(timeoutMs: number): Promise<void> {
    if (this.stopping !== undefined) return Promise.reject(new StreamPollerStoppedError());
    const since = performance.now();
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new DrainTimeoutError(timeoutMs, this.shardsBehind(since)));
      }, timeoutMs);
      const waiter: DrainWaiter = {
        since,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      this.waiters.add(waiter);
      // Shards created before now must be known before the stream can be called drained.
      this.requestDiscovery();
    });
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.abort.abort(new StreamPollerStoppedError());
      for (const waiter of this.waiters) waiter.reject(new StreamPollerStoppedError());
      this.waiters.clear();
      while (this.tasks.size > 0) await Promise.allSettled([...this.tasks]);
      this.streams.close();
    })();
    return this.stopping;
  }

  private get signal(): AbortSignal {
    return this.abort.signal;
  }

  /** Keeps a background task for stop() to await. A task that fails unexpectedly (a bug) is reported. */
  private track(task: Promise<void>): void {
    const settled: Promise<void> = task
      .catch((error: unknown) => {
        if (!this.signal.aborted) this.report(error);
      })
      .finally(() => this.tasks.delete(settled));
    this.tasks.add(settled);
  }

  private report(error: unknown): void {
    try {
      this.options.onError?.(error);
    } catch {
      // A logger's failure must not stop the stream.
    }
  }

  /** Reads every page of DescribeStream and records shards not seen before. */
  private async discover(initial: boolean): Promise<void> {
    const found: Shard[] = [];
    let exclusiveStartShardId: string | undefined;
    do {
      const page = await this.streams.send(
        'DescribeStream',
        { StreamArn: this.streamArn, ExclusiveStartShardId: exclusiveStartShardId },
        { signal: this.signal },
      );
      found.push(...(page.StreamDescription?.Shards ?? []));
      exclusiveStartShardId = page.StreamDescription?.LastEvaluatedShardId;
    } while (exclusiveStartShardId !== undefined);

    for (const shard of found) {
      if (shard.ShardId === undefined || this.shards.has(shard.ShardId)) continue;
      const closed = shard.SequenceNumberRange?.EndingSequenceNumber !== undefined;
      // LATEST applies to the shards open at start; a shard closed by then holds only older records.
      const latest = initial && this.settings.startingPosition === 'LATEST';
      this.shards.set(shard.ShardId, {
        shardId: shard.ShardId,
        parentShardId: shard.ParentShardId,
        status: latest && closed ? 'finished' : 'waiting',
        start: latest ? 'LATEST' : 'TRIM_HORIZON',
        caughtUpAt: -Infinity,
      });
    }
  }

  /** One DescribeStream at a time; a request during one runs another after it (it may have begun too early). */
  private requestDiscovery(): void {
    if (this.discovery !== undefined) {
      this.discoverAgain = true;
      return;
    }
    const run = async (): Promise<void> => {
      do {
        this.discoverAgain = false;
        const startedAt = performance.now();
        try {
          await this.discover(false);
          this.discoveredAt = startedAt;
        } catch (error) {
          if (this.signal.aborted) return;
          this.report(new StreamReadError('DescribeStream', this.streamArn, error));
        }
        for (const shard of this.readyShards()) this.startReading(shard, undefined);
        this.notify();
      } while (this.discoverAgain && !this.signal.aborted);
    };
    const discovery = run().finally(() => {
      this.discovery = undefined;
    });
    this.discovery = discovery;
    this.track(discovery);
  }

  private async discoverPeriodically(): Promise<void> {
    try {
      for (;;) {
        await delay(SHARD_DISCOVERY_INTERVAL_MS, undefined, { signal: this.signal });
        this.requestDiscovery();
      }
    } catch {
      // Aborted by stop().
    }
  }

  /** Waiting shards whose parent is finished or gone (trimmed from the stream, or never seen). */
  private readyShards(): ShardState[] {
    return [...this.shards.values()].filter((shard) => {
      if (shard.status !== 'waiting') return false;
      const parent = shard.parentShardId === undefined ? undefined : this.shards.get(shard.parentShardId);
      return parent === undefined || parent.status === 'finished';
    });
  }

  private startReading(shard: ShardState, iterator: string | undefined): void {
    shard.status = 'reading';
    this.track(this.readShard(shard, iterator));
  }

  /** GetShardIterator at the shard's starting position. */
  private firstIterator(shard: ShardState): Promise<string | undefined> {
    return this.requestIterator(shard, { ShardIteratorType: shard.start });
  }

  private async requestIterator(shard: ShardState, position: ShardPosition): Promise<string | undefined> {
    const { ShardIterator: iterator } = await this.streams.send(
      'GetShardIterator',
      { StreamArn: this.streamArn, ShardId: shard.shardId, ...position },
      { signal: this.signal },
    );
    return iterator;
  }

  /**
   * GetShardIterator, retried until it answers (or the poller stops). A shard DynamoDB no longer has (its stream
   * was replaced, or a DynamoDB Local restarted without its data) has nothing left to read: undefined, as for a
   * shard read to its end.
   */
  private async shardIterator(shard: ShardState, position: ShardPosition): Promise<string | undefined> {
    for (let failures = 1; ; failures++) {
      try {
        return await this.requestIterator(shard, position);
      } catch (error) {
        this.signal.throwIfAborted();
        this.report(new StreamReadError('GetShardIterator', this.streamArn, error));
        if (isServiceError(error, 'ResourceNotFoundException')) return undefined;
        await delay(backoffDelay(this.backoff, failures), undefined, { signal: this.signal });
      }
    }
  }

  /**
   * Reads a shard to its end (or until stopped): one batch in flight, records in sequence order. Records read are
   * kept until delivered, so a retry never needs the stream again; the iterator only moves forward.
   */
  private async readShard(shard: ShardState, firstIterator: string | undefined): Promise<void> {
    const { batchSize, batchingWindowMs } = this.settings;
    const cursor: ShardCursor = {
      iterator: firstIterator ?? (await this.shardIterator(shard, { ShardIteratorType: shard.start })),
      failures: 0,
    };
    const buffer: BufferedRecord[] = [];
    let bufferBytes = 0;
    /** When the records in the buffer began to wait for a fuller batch. */
    let windowOpenedAt = 0;
    for (;;) {
      this.signal.throwIfAborted();
      const closed = cursor.iterator === undefined; // read to its end: no record will follow
      const batchReady =
        buffer.length >= batchSize ||
        bufferBytes >= MAX_PAYLOAD_BYTES ||
        performance.now() - windowOpenedAt >= batchingWindowMs;
      if (buffer.length > 0 && (closed || batchReady)) {
        const batch = takeBatch(buffer, batchSize);
        bufferBytes -= batch.reduce((sum, buffered) => sum + buffered.payloadBytes, 0);
        await deliverBatch(batch, this.deliverySettings(shard.shardId));
        windowOpenedAt = performance.now(); // the next window begins when the invocation completes
        continue;
      }
      if (closed) break;

      const pollStartedAt = performance.now();
      const page = await this.readRecords(shard, cursor, Math.min(GET_RECORDS_LIMIT, batchSize - buffer.length));
      if (page === undefined) continue; // failed: retry (after a backoff) or go on from a new iterator
      for (const record of page.kept) {
        if (buffer.length === 0) windowOpenedAt = performance.now();
        buffer.push(record);
        bufferBytes += record.payloadBytes;
      }
      // Caught up only when the stream had nothing new: a page of filtered records may have more behind it.
      if (page.read === 0 && buffer.length === 0) {
        shard.caughtUpAt = pollStartedAt;
        this.notify();
      }
      if (page.read === 0 && cursor.iterator !== undefined) {
        const windowLeft = buffer.length > 0 ? windowOpenedAt + batchingWindowMs - performance.now() : Infinity;
        await delay(Math.max(0, Math.min(this.pollIntervalMs, windowLeft)), undefined, { signal: this.signal });
      }
    }
    shard.status = 'finished';
    for (const child of this.readyShards()) this.startReading(child, undefined);
    this.requestDiscovery(); // its children may not be known yet
    this.notify();
  }

  /**
   * One GetRecords, converted, without the records the filters drop (the position moves past them all). On failure: a new iterator when DynamoDB expired ours (15 minutes unused, as while a
   * batch is retried) or trimmed its records (24 h), else a backoff; then undefined.
   */
  private async readRecords(shard: ShardState, cursor: ShardCursor, limit: number): Promise<ReadPage | undefined> {
    let page;
    try {
      page = await this.streams.send('GetRecords', { ShardIterator: cursor.iterator, Limit: limit }, { signal: this.signal });
    } catch (error) {
      this.signal.throwIfAborted();
      if (isServiceError(error, 'ExpiredIteratorException')) {
        cursor.iterator = await this.shardIterator(shard, resumePosition(shard, cursor));
        return undefined;
      }
      this.report(new StreamReadError('GetRecords', this.streamArn, error));
      if (isServiceError(error, 'TrimmedDataAccessException')) {
        // The records after our position are gone: Lambda too can only go on from the oldest one left.
        cursor.iterator = await this.shardIterator(shard, { ShardIteratorType: 'TRIM_HORIZON' });
        return undefined;
      }
      // Unreachable (DynamoDB Local down or restarting) or refused: wait, then go on with the same iterator, which a
      // DynamoDB Local restarted on its data still accepts; one it refuses is replaced by a new one after the last
      // record read, so nothing is skipped or read twice.
      await delay(backoffDelay(this.backoff, ++cursor.failures), undefined, { signal: this.signal });
      if (isRefusedIterator(error)) cursor.iterator = await this.shardIterator(shard, resumePosition(shard, cursor));
      return undefined;
    }
    cursor.failures = 0;
    cursor.iterator = page.NextShardIterator;
    const records = page.Records ?? [];
    const kept = records.flatMap((record): BufferedRecord[] => {
      const converted = toLambdaRecord(record, this.origin);
      const sequenceNumber = record.dynamodb?.SequenceNumber ?? '';
      cursor.lastSequenceNumber = sequenceNumber;
      if (!this.settings.filters.matches(converted)) return [];
      return [{ sequenceNumber, record: converted, payloadBytes: Buffer.byteLength(JSON.stringify(converted)) + 1 }];
    });
    return { read: records.length, kept };
  }

  private deliverySettings(shardId: string): DeliverySettings {
    return {
      functionName: this.settings.functionName,
      shardId,
      invoke: this.options.logger
        ? withBatchLogging(this.options.invoke, this.options.logger, this.settings.functionName, shardId)
        : this.options.invoke,
      bisectBatchOnFunctionError: this.settings.bisectBatchOnFunctionError,
      maximumRetryAttempts: this.settings.maximumRetryAttempts,
      reportBatchItemFailures: this.settings.reportBatchItemFailures,
      backoff: this.backoff,
      report: (error) => this.report(error),
      signal: this.signal,
    };
  }

  /** Shards that hold records from before `since` not yet delivered (or that may: not read yet). */
  private shardsBehind(since: number): string[] {
    return [...this.shards.values()]
      .filter((shard) => shard.status !== 'finished' && shard.caughtUpAt < since)
      .map((shard) => shard.shardId);
  }

  private notify(): void {
    for (const waiter of this.waiters) {
      if (this.discoveredAt >= waiter.since && this.shardsBehind(waiter.since).length === 0) {
        this.waiters.delete(waiter);
        waiter.resolve();
      }
    }
  }
}

/** Where to read a shard again with a new iterator: after the last record read, or at the shard's start. */
function resumePosition(shard: ShardState, cursor: ShardCursor): ShardPosition {
  return cursor.lastSequenceNumber === undefined
    ? { ShardIteratorType: shard.start }
    : { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: cursor.lastSequenceNumber };
}

/**
 * GetRecords' answers to an iterator DynamoDB does not know (DynamoDB Local: "Invalid ShardId in ShardIterator",
 * "Invalid ShardIterator"), as opposed to a failure to answer at all.
 */
function isRefusedIterator(error: unknown): boolean {
  return isServiceError(error, 'ResourceNotFoundException') || isServiceError(error, 'ValidationException');
}

/** DynamoDB answered with this exception. */
function isServiceError(error: unknown, exceptionName: string): boolean {
  return error instanceof DynamoDbServiceError && error.exceptionName === exceptionName;
}

/** The next batch: up to `batchSize` records within the payload limit (always at least one). */
function takeBatch(buffer: BufferedRecord[], batchSize: number): BufferedRecord[] {
  let count = 0;
  let bytes = 0;
  for (const buffered of buffer) {
    if (count === batchSize || (count > 0 && bytes + buffered.payloadBytes > MAX_PAYLOAD_BYTES)) break;
    bytes += buffered.payloadBytes;
    count++;
  }
  return buffer.splice(0, count);
}
