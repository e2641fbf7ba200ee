/**
 * DynamoDB failures as AppSync reports them in `ctx.error`: `type` is `DynamoDB:` + the exception's class name in
 * the AWS SDK for Java v2 (which AppSync uses), `message` is that SDK's message format.
 */
import { randomUUID } from 'node:crypto';
import type { DataSourceError } from '../types.js';
import { DynamoDbServiceError } from '../../../dynamodb/errors.js';

/**
 * DynamoDB's exception name (the JavaScript SDK's error name) → Java SDK v2 exception name, for the data-plane
 * exceptions the Java SDK models.
 * Everything else (notably `ValidationException`, which Java does not model) is a plain `DynamoDbException`.
 */
const JAVA_EXCEPTION_NAMES: Readonly<Record<string, string>> = {
  ConditionalCheckFailedException: 'ConditionalCheckFailedException',
  DuplicateItemException: 'DuplicateItemException',
  IdempotentParameterMismatchException: 'IdempotentParameterMismatchException',
  InternalServerError: 'InternalServerErrorException',
  ItemCollectionSizeLimitExceededException: 'ItemCollectionSizeLimitExceededException',
  ProvisionedThroughputExceededException: 'ProvisionedThroughputExceededException',
  ReplicatedWriteConflictException: 'ReplicatedWriteConflictException',
  RequestLimitExceeded: 'RequestLimitExceededException',
  ResourceNotFoundException: 'ResourceNotFoundException',
  ThrottlingException: 'ThrottlingException',
  TransactionCanceledException: 'TransactionCanceledException',
  TransactionConflictException: 'TransactionConflictException',
  TransactionInProgressException: 'TransactionInProgressException',
};

/**
 * What the data source reports when DynamoDB cannot be reached (connection refused, cut or timed out) once the
 * retries are spent. AppSync's own type for this is not documented: `DynamoDbException` is the type it gives
 * DynamoDB failures the Java SDK does not model, and the message starts like the Java SDK's client-side failure.
 * The endpoint's address is left out: callers must not learn internal addresses.
 */
export const UNREACHABLE_ERROR: DataSourceError = {
  type: 'DynamoDB:DynamoDbException',
  message: 'Unable to execute HTTP request: DynamoDB could not be reached (Service: DynamoDb)',
};

/** The message AppSync shows for an invalid `nextToken` (observed on AWS, aws-amplify/amplify-cli#3411). */
export const INVALID_PAGINATION_TOKEN_ERROR: DataSourceError = {
  type: 'DynamoDB:UserIllegalArgumentException',
  message: 'com.amazonaws.deepdish.common.pagination.InvalidPaginationTokenException: Invalid pagination token given.',
};

export function isDynamoDbServiceError(error: unknown): error is DynamoDbServiceError {
  return error instanceof DynamoDbServiceError;
}

export function isConditionalCheckFailed(error: unknown): error is DynamoDbServiceError {
  return isDynamoDbServiceError(error) && error.exceptionName === 'ConditionalCheckFailedException';
}

/**
 * e.g. `{ type: "DynamoDB:ConditionalCheckFailedException",
 *        message: "The conditional request failed (Service: DynamoDb, Status Code: 400, Request ID: …)" }`
 */
export function toDataSourceError(error: DynamoDbServiceError): DataSourceError {
  const exceptionName = JAVA_EXCEPTION_NAMES[error.exceptionName] ?? 'DynamoDbException';
  const requestId = error.requestId ?? randomUUID();
  return {
    type: `DynamoDB:${exceptionName}`,
    message: `${error.message} (Service: DynamoDb, Status Code: ${error.statusCode}, Request ID: ${requestId})`,
  };
}
