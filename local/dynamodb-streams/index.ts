/**
 * Lambda's event source mapping for DynamoDB streams, run locally against DynamoDB Local: `startStreamPoller` reads
 * a table's stream shard by shard and invokes a function with Lambda-shaped batches, retrying, bisecting and
 * checkpointing (`batchItemFailures`) as Lambda does, and dropping the records that match none of the consumer's
 * `filters` (Lambda's FilterCriteria) before they are batched.
 *
 * @example
 * ```ts
 * import { startStreamPoller } from './local/dynamodb-streams/index.js';
 *
 * const poller = await startStreamPoller({
 *   endpoint: dynamoDb.endpoint,
 *   tableName: 'messages',
 *   consumer: { table: 'messages', function: 'fanOut', batchSize: 25 },
 *   invoke: (event) => handler(event),
 *   onError: (error) => console.warn(error),
 * });
 * // … writes to `messages` reach the handler as DynamoDBStreamEvent batches
 * await poller.drain();
 * await poller.stop();
 * ```
 */
export type { EventFilterPattern, EventFilterValue, StreamConsumerDefinition } from './description.js';
export { compileEventFilters, MAX_FILTERS, MAX_PATTERN_LENGTH, type EventFilters } from './filters.js';
export type { RetryBackoff } from './delivery.js';
export {
  BatchDiscardedError,
  DrainTimeoutError,
  FunctionBatchError,
  InvalidBatchResponseError,
  StreamConsumerDefinitionError,
  StreamNotEnabledError,
  StreamPollerStoppedError,
  StreamReadError,
} from './errors.js';
export { startStreamPoller, type StreamPoller, type StreamPollerOptions } from './poller.js';
