/**
 * The AMAZON_DYNAMODB data source: runs AppSync's DynamoDB request objects against a DynamoDB endpoint (DynamoDB
 * Local in the local cloud) and shapes results and errors as AppSync does (reference: appsync-js-runtime.md §5).
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { InvalidPaginationTokenError, MalformedRequestError, UnsupportedRequestError } from '../errors.js';
import { expectObject, expectString, requiredField } from '../request-fields.js';
import type { DataSource, DataSourceResponse } from '../types.js';
import { batchDeleteItem, batchGetItem, batchPutItem } from './batch.js';
import { createNextTokenCodec } from './next-token.js';
import { REQUEST_PATH, type Operation } from './operation.js';
import { query, scan } from './query-scan.js';
import {
  INVALID_PAGINATION_TOKEN_ERROR,
  isDynamoDbServiceError,
  toDataSourceError,
  UNREACHABLE_ERROR,
} from './service-errors.js';
import { deleteItem, getItem, putItem, updateItem } from './single-item.js';
import { transactGetItems, transactWriteItems } from './transact.js';
import { isNetworkError } from '../../../dynamodb/network-errors.js';
import { wireClientFor } from '../../../dynamodb/wire-client.js';

export interface DynamoDbDataSourceOptions {
  /**
   * A client for DynamoDB Local: the data source posts to its endpoint with its credentials' access key, region and
   * `maxAttempts` over its own keep-alive connections (see `wire-client.ts`), not through `client.send`.
   */
  readonly client: DynamoDBClient;
  /** The table of single-item operations, Query and Scan; batch and transact requests name their tables. */
  readonly tableName: string;
  /** Key signing `nextToken`s; a random one (the default) invalidates tokens when the process restarts. */
  readonly tokenKey?: Buffer;
}

const OPERATIONS: Readonly<Record<string, Operation>> = {
  GetItem: getItem,
  PutItem: putItem,
  UpdateItem: updateItem,
  DeleteItem: deleteItem,
  Query: query,
  Scan: scan,
  BatchGetItem: batchGetItem,
  BatchPutItem: batchPutItem,
  BatchDeleteItem: batchDeleteItem,
  TransactGetItems: transactGetItems,
  TransactWriteItems: transactWriteItems,
};

/**
 * Creates a DynamoDB data source. DynamoDB failures, an unreachable DynamoDB included, resolve as `{ result, error }`
 * (`ctx.error`), never reject; an unusable request object rejects with {@link MalformedRequestError} before DynamoDB
 * is called.
 *
 * @example
 * const dataSource = createDynamoDbDataSource({ client, tableName: 'Messages' });
 * const { result, error } = await dataSource.invoke({
 *   scope: 'Query.listMessages',
 *   request: {
 *     operation: 'Query',
 *     query: {
 *       expression: '#room = :room',
 *       expressionNames: { '#room': 'roomId' },
 *       expressionValues: { ':room': { S: 'r1' } },
 *     },
 *     limit: 20,
 *   },
 * });
 * // result → { items: [...], nextToken: 'eyJ2ZXJzaW9uIjox…' | null, scannedCount: 20 }
 */
export function createDynamoDbDataSource(options: DynamoDbDataSourceOptions): DataSource {
  const tokens = createNextTokenCodec(options.tokenKey);
  const client = wireClientFor(options.client);
  return {
    async invoke({ request, scope }): Promise<DataSourceResponse> {
      const requestObject = expectObject(request, REQUEST_PATH);
      const operationPath = `${REQUEST_PATH}.operation`;
      const operationName = expectString(requiredField(requestObject, 'operation', REQUEST_PATH), operationPath);
      const operation = OPERATIONS[operationName];
      if (operation === undefined) {
        if (operationName === 'Sync') {
          throw new UnsupportedRequestError(operationPath, 'Sync (versioned data sources) is not emulated locally');
        }
        throw new MalformedRequestError(operationPath, `unknown DynamoDB operation "${operationName}"`);
      }
      try {
        return await operation(requestObject, { client, tableName: options.tableName, tokens, scope });
      } catch (error) {
        if (isDynamoDbServiceError(error)) return { result: null, error: toDataSourceError(error) };
        if (error instanceof InvalidPaginationTokenError) {
          return { result: null, error: INVALID_PAGINATION_TOKEN_ERROR };
        }
        if (isNetworkError(error)) return { result: null, error: UNREACHABLE_ERROR };
        throw error;
      }
    },
  };
}
