/** Errors raised by the DynamoDB data source's wire client (DynamoDB's answers and unusable endpoints). */
import type { AttributeValue, CancellationReason } from '@aws-sdk/client-dynamodb';

/** What DynamoDB's error body carries besides the exception's name and message. */
export interface DynamoDbErrorDetails {
  /** `TransactionCanceledException`: one reason per transaction item, in request order. */
  readonly CancellationReasons?: readonly CancellationReason[];
  /** `ConditionalCheckFailedException` with `ReturnValuesOnConditionCheckFailure: ALL_OLD`: the item as it is. */
  readonly Item?: Record<string, AttributeValue>;
}

/**
 * DynamoDB answered with an error: `exceptionName` is the part of the body's `__type` after `#`
 * (`com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException` → `ConditionalCheckFailedException`).
 */
export class DynamoDbServiceError extends Error {
  override readonly name: string = 'DynamoDbServiceError';

  constructor(
    readonly exceptionName: string,
    message: string,
    readonly statusCode: number,
    /** DynamoDB's `x-amzn-RequestId`, when it sent one. */
    readonly requestId: string | undefined,
    readonly details: DynamoDbErrorDetails,
  ) {
    super(message);
  }
}

/**
 * The DynamoDB client handed to the data source cannot be used by the wire client: it has no `endpoint`
 * (the wire client talks to DynamoDB Local, not to AWS) or the endpoint is not plain `http:`.
 */
export class UnsupportedDynamoDbEndpointError extends Error {
  override readonly name: string = 'UnsupportedDynamoDbEndpointError';

  constructor(readonly reason: string) {
    super(`The DynamoDB data source cannot use this client's endpoint: ${reason}`);
  }
}
