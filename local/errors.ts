/** Errors of the composed local cloud (`cloud.ts`). */

/** DynamoDB Local was missing from the cache and fetching it (`local/dynamodb/install.mjs`) failed. */
export class DynamoDbLocalFetchError extends Error {
  override readonly name = 'DynamoDbLocalFetchError';

  constructor(readonly output: string) {
    super(`DynamoDB Local could not be fetched into the cache:\n${output.trim()}`);
  }
}
