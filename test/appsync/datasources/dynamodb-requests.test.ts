/**
 * Request checking of the DynamoDB data source. The client points at a closed port: a request that reached
 * DynamoDB would fail with a connection error instead of the asserted outcome.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { createDynamoDbDataSource } from '../../../local/appsync/datasources/dynamodb/index.js';
import { MalformedRequestError, UnsupportedRequestError } from '../../../local/appsync/datasources/errors.js';

const client = new DynamoDBClient({
  endpoint: 'http://127.0.0.1:9',
  region: 'us-east-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  maxAttempts: 1,
});
const dataSource = createDynamoDbDataSource({ client, tableName: 'unused' });

afterAll(() => client.destroy());

async function rejection(request: unknown): Promise<MalformedRequestError> {
  const error: unknown = await dataSource.invoke({ request, scope: 'Query.test' }).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(MalformedRequestError);
  return error as MalformedRequestError;
}

describe('DynamoDB data source: malformed requests reject before any DynamoDB call', () => {
  it.each([
    ['a request that is not an object', 'GetItem', 'request', /expected an object, got a string/],
    ['no operation', { key: { id: { S: '1' } } }, 'request.operation', /required field is missing/],
    ['an unknown operation', { operation: 'GetItems' }, 'request.operation', /unknown DynamoDB operation "GetItems"/],
    ['GetItem without key', { operation: 'GetItem' }, 'request.key', /required field is missing/],
    [
      'a typed value with two type keys',
      { operation: 'GetItem', key: { id: { S: '1', N: 1 } } },
      'request.key.id',
      /exactly one type key/,
    ],
    [
      'PutItem with an attribute of the wrong JSON type',
      { operation: 'PutItem', key: { id: { S: '1' } }, attributeValues: { n: { N: [1] } } },
      'request.attributeValues.n.N',
      /JSON number or a numeric string/,
    ],
    ['Query without query', { operation: 'Query' }, 'request.query', /required field is missing/],
    [
      'a string condition that is not JSON',
      { operation: 'DeleteItem', key: { id: { S: '1' } }, condition: 'attribute_exists(id)' },
      'request.condition',
      /JSON of an expression object/,
    ],
    [
      'an expression without expression',
      { operation: 'Scan', filter: { expressionNames: { '#a': 'a' } } },
      'request.filter.expression',
      /required field is missing/,
    ],
    ['a fractional limit', { operation: 'Scan', limit: 2.5 }, 'request.limit', /expected an integer/],
    ['an unknown select', { operation: 'Scan', select: 'EVERYTHING' }, 'request.select', /expected one of/],
    [
      'one placeholder with two meanings',
      {
        operation: 'UpdateItem',
        key: { id: { S: '1' } },
        update: { expression: 'SET #a = :v', expressionNames: { '#a': 'a' }, expressionValues: { ':v': { N: 1 } } },
        condition: { expression: '#a = :v', expressionNames: { '#a': 'b' }, expressionValues: { ':v': { N: 1 } } },
      },
      'request',
      /#a is defined twice/,
    ],
    [
      'BatchGetItem keys that are not a list',
      { operation: 'BatchGetItem', tables: { t1: { keys: { id: { S: '1' } } } } },
      'request.tables.t1.keys',
      /expected an array/,
    ],
    [
      'a transaction item with an unknown operation',
      {
        operation: 'TransactWriteItems',
        transactItems: [{ table: 't', operation: 'Upsert', key: { id: { S: '1' } } }],
      },
      'request.transactItems[0].operation',
      /expected PutItem, UpdateItem, DeleteItem or ConditionCheck/,
    ],
    [
      'a ConditionCheck without condition',
      {
        operation: 'TransactWriteItems',
        transactItems: [{ table: 't', operation: 'ConditionCheck', key: { id: { S: '1' } } }],
      },
      'request.transactItems[0].condition',
      /needs a condition/,
    ],
  ])('%s', async (_, request, path, message) => {
    const error = await rejection(request);
    expect(error.path).toBe(path);
    expect(error.message).toMatch(message);
  });

  it('says that Sync and the Custom conflict handler are not emulated', async () => {
    expect(await rejection({ operation: 'Sync' })).toBeInstanceOf(UnsupportedRequestError);
    const custom = await rejection({
      operation: 'PutItem',
      key: { id: { S: '1' } },
      condition: {
        expression: 'attribute_not_exists(id)',
        conditionalCheckFailedHandler: {
          strategy: 'Custom',
          lambdaArn: 'arn:aws:lambda:us-east-1:000000000000:function:f',
        },
      },
    });
    expect(custom).toBeInstanceOf(UnsupportedRequestError);
    expect(custom.path).toBe('request.condition.conditionalCheckFailedHandler.strategy');
  });

  it('reports a nextToken that is no token as AppSync does, without calling DynamoDB', async () => {
    const response = await dataSource.invoke({ request: { operation: 'Scan', nextToken: 'abc' }, scope: 'Query.test' });
    expect(response).toEqual({
      result: null,
      error: {
        type: 'DynamoDB:UserIllegalArgumentException',
        message:
          'com.amazonaws.deepdish.common.pagination.InvalidPaginationTokenException: Invalid pagination token given.',
      },
    });
  });
});
