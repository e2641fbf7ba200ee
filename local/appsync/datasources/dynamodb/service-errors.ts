/**
 * DynamoDB failures as AppSync reports them in `ctx.error`: `type` is `DynamoDB:` + the exception's class name in
 * the AWS SDK for Java v2 (which AppSync uses), `message` is that SDK's message format.
 */
import { randomUUID } from 'node:crypto';
import { DynamoDBServiceException } from '@aws-sdk/client-dynamodb';
import type { DataSourceError } from '../types.js';

/**
 * JavaScript SDK error name → Java SDK v2 exception name, for the data-plane exceptions the Java SDK models.
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

/** The message AppSync shows for an invalid `nextToken` (observed on AWS, aws-amplify/amplify-cli#3411). */
export const INVALID_PAGINATION_TOKEN_ERROR: DataSourceError = {
  type: 'DynamoDB:UserIllegalArgumentException',
  message: 'com.amazonaws.deepdish.common.pagination.InvalidPaginationTokenException: Invalid pagination token given.',
};

export function isDynamoDbServiceError(error: unknown): error is DynamoDBServiceException {
  return error instanceof DynamoDBServiceException;
}

export function isConditionalCheckFailed(error: unknown): error is DynamoDBServiceException {
  return isDynamoDbServiceError(error) && error.name === 'ConditionalCheckFailedException';
}

/**
 * e.g. `{ type: "DynamoDB:ConditionalCheckFailedException",
 *        message: "The conditional request failed (Service: DynamoDb, Status Code: 400, Request ID: …)" }`
 */
export function toDataSourceError(error: DynamoDBServiceException): DataSourceError {
  const exceptionName = JAVA_EXCEPTION_NAMES[error.name] ?? 'DynamoDbException';
  const statusCode = error.$metadata.httpStatusCode ?? (error.$fault === 'server' ? 500 : 400);
  const requestId = error.$metadata.requestId ?? randomUUID();
  return {
    type: `DynamoDB:${exceptionName}`,
    message: `${error.message} (Service: DynamoDb, Status Code: ${statusCode}, Request ID: ${requestId})`,
  };
}
