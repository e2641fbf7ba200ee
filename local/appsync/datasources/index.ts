/**
 * The data sources of the local AppSync: AMAZON_DYNAMODB, NONE and AWS_LAMBDA, each implementing {@link DataSource}.
 *
 * @example
 * const messages = createDynamoDbDataSource({ client, tableName: 'messages' });
 * const local = createNoneDataSource();
 * const resolveUser = createLambdaDataSource({ functionName: 'resolveUser', invoke: (event) => runtime.invoke('resolveUser', event) });
 */
export { createDynamoDbDataSource, type DynamoDbDataSourceOptions } from './dynamodb/index.js';
export { MalformedRequestError, UnsupportedRequestError } from './errors.js';
export { createLambdaDataSource, type LambdaDataSourceOptions } from './lambda.js';
export { createNoneDataSource } from './none.js';
export type { DataSource, DataSourceError, DataSourceInvocation, DataSourceResponse } from './types.js';
