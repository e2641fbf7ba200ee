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
  /**
   * Lambda's `FilterCriteria`: up to 5 patterns, ORed, each matched against the record as Lambda delivers it
   * (images in DynamoDB JSON, e.g. `{ dynamodb: { NewImage: { type: { S: ['Message'] } } } }`). A record that
   * matches no pattern is dropped: it never reaches the function, does not count toward `batchSize`, and the
   * mapping moves past it as if it had been processed.
   * @default no filtering: every record is delivered
   */
  readonly filters?: readonly EventFilterPattern[];
}

/** A JSON value inside an event filter pattern. */
export type EventFilterValue =
  | string
  | number
  | boolean
  | null
  | readonly EventFilterValue[]
  | { readonly [key: string]: EventFilterValue };

/**
 * One filter of a mapping's `FilterCriteria`: an EventBridge-style event pattern (a JSON object) whose leaves are
 * lists of values or matchers (`prefix`, `suffix`, `anything-but`, `numeric`, `exists`, `equals-ignore-case`), with
 * `$or` for alternatives.
 */
export interface EventFilterPattern {
  readonly [field: string]: EventFilterValue;
}
