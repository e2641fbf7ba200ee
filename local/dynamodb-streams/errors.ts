/**
 * Errors of the DynamoDB stream poller. The first four are thrown; the others are handed to `onError` (they describe
 * something the poller copes with: a retried invocation, a discarded batch, a retried Streams API call).
 */
import type { DynamoDBRecord } from 'aws-lambda';

/** The table has no stream (its definition needs `stream`), so there is nothing to poll. */
export class StreamNotEnabledError extends Error {
  override readonly name = 'StreamNotEnabledError';

  constructor(readonly tableName: string) {
    super(`Table "${tableName}" has no stream enabled: give its definition a \`stream\` view type to consume it.`);
  }
}

/**
 * A setting of the consumer is outside what Lambda accepts for a DynamoDB event source mapping, or one of its filter
 * patterns is malformed or uses an operator this local mapping does not support (the message names `filters[i]`).
 */
export class StreamConsumerDefinitionError extends Error {
  override readonly name = 'StreamConsumerDefinitionError';

  constructor(
    readonly functionName: string,
    problem: string,
  ) {
    super(`Stream consumer "${functionName}": ${problem}`);
  }
}

/** `drain()` gave up: some record written before the call was still undelivered when the time ran out. */
export class DrainTimeoutError extends Error {
  override readonly name = 'DrainTimeoutError';

  constructor(
    readonly timeoutMs: number,
    /** Shards that had not caught up. */
    readonly pendingShardIds: readonly string[],
  ) {
    super(
      `The stream was not drained within ${timeoutMs} ms (shards not caught up: ${pendingShardIds.join(', ')}). ` +
        'A record whose invocation keeps failing blocks its shard until its retries run out.',
    );
  }
}

/** The poller was stopped before (or while) `drain()` waited. */
export class StreamPollerStoppedError extends Error {
  override readonly name = 'StreamPollerStoppedError';

  constructor() {
    super('The stream poller is stopped.');
  }
}

/** The function answered `batchItemFailures` that Lambda counts as a failure of the whole batch. */
export class InvalidBatchResponseError extends Error {
  override readonly name = 'InvalidBatchResponseError';

  constructor(readonly response: unknown) {
    super(
      'batchItemFailures must be a list of { itemIdentifier } naming sequence numbers of the batch; got ' +
        `${JSON.stringify(response)}, so the whole batch failed.`,
    );
  }
}

/**
 * An invocation failed, entirely (the function threw, or answered an invalid batch response) or partly
 * (`batchItemFailures`). The records from `records[failedFrom]` on will be retried, bisected or discarded.
 */
export class FunctionBatchError extends Error {
  override readonly name = 'FunctionBatchError';

  constructor(
    readonly functionName: string,
    readonly shardId: string,
    /** The batch as it was sent. */
    readonly records: readonly DynamoDBRecord[],
    /** Index of the first record not processed: 0 when the whole batch failed. */
    readonly failedFrom: number,
    /** What the function threw; absent when it reported item failures. */
    override readonly cause: unknown,
  ) {
    const failedSequenceNumber = records[failedFrom]?.dynamodb?.SequenceNumber;
    super(
      `Function "${functionName}" failed on ${records.length - failedFrom} of ${records.length} stream records of ` +
        `shard ${shardId} (from sequence number ${failedSequenceNumber})` +
        (cause === undefined ? ': it reported batch item failures' : `: ${describe(cause)}`),
    );
  }
}

/** The retries ran out (`maximumRetryAttempts`): these records are skipped, as Lambda discards them. */
export class BatchDiscardedError extends Error {
  override readonly name = 'BatchDiscardedError';

  constructor(
    readonly functionName: string,
    readonly shardId: string,
    readonly records: readonly DynamoDBRecord[],
    readonly retryAttempts: number,
    /** The last failure. */
    override readonly cause: unknown,
  ) {
    const sequenceNumbers = records.map((record) => record.dynamodb?.SequenceNumber);
    super(
      `Function "${functionName}" still failed after ${retryAttempts} retries: discarding ${records.length} stream ` +
        `records of shard ${shardId} (sequence numbers ${sequenceNumbers[0]}…${sequenceNumbers.at(-1)}).`,
    );
  }
}

/** A DynamoDB Streams API call failed (DynamoDB Local unreachable, for instance); it is retried. */
export class StreamReadError extends Error {
  override readonly name = 'StreamReadError';

  constructor(
    readonly operation: string,
    readonly streamArn: string,
    override readonly cause: unknown,
  ) {
    super(`${operation} on ${streamArn} failed, retrying: ${describe(cause)}`);
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
