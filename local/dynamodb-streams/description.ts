/**
 * A DynamoDB stream → Lambda event-source mapping as the app describes it; run by local/dynamodb-streams, deployed
 * by infra/ as a DynamoEventSource. Defaults are the ones this app wants (and Lambda's where it has one).
 */
export interface StreamConsumerDefinition {
  /** Table (by its description name) whose stream is read. */
  readonly table: string;
  /** Name of the Lambda function (in the app's function list) invoked with batches. */
  readonly function: string;
  /** @default 100 */
  readonly batchSize?: number;
  /** @default 0 */
  readonly maximumBatchingWindowSeconds?: number;
  /** @default 'TRIM_HORIZON' */
  readonly startingPosition?: 'TRIM_HORIZON' | 'LATEST';
  /** Split a failing batch in two and retry each half. @default true */
  readonly bisectBatchOnFunctionError?: boolean;
  /** -1 retries until the record expires. @default -1 */
  readonly maximumRetryAttempts?: number;
  /** The function answers `{ batchItemFailures }` to checkpoint partial success. @default true */
  readonly reportBatchItemFailures?: boolean;
}
