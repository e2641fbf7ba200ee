import type { JsonObject } from '../request-fields.js';
import type { DataSourceResponse } from '../types.js';
import type { NextTokenCodec } from './next-token.js';
import type { DynamoDbWireClient } from '../../../dynamodb/wire-client.js';

/** What every operation needs besides its request. */
export interface OperationContext {
  readonly client: DynamoDbWireClient;
  /** The data source's table (single-item, query and scan operations). */
  readonly tableName: string;
  readonly tokens: NextTokenCodec;
  /** The resolver/function whose request this is (pagination tokens are bound to it). */
  readonly scope: string;
}

/**
 * Runs one AppSync DynamoDB operation. Implementations read and check the whole request before calling DynamoDB
 * (throwing `MalformedRequestError`), then let DynamoDB service errors escape unless the operation reports them
 * with a result of its own (conditional checks, transactions).
 */
export type Operation = (request: JsonObject, context: OperationContext) => Promise<DataSourceResponse>;

/** Request paths in error messages start here. */
export const REQUEST_PATH = 'request';
