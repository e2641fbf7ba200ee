/**
 * The DynamoDB data source's own JSON-protocol client: binary values survive the trip to a real DynamoDB Local and
 * back (bytes in the data source, base64 on the wire), requests carry the protocol's headers, and the SDK's retry
 * rules hold (5xx retried up to `maxAttempts`, client errors not).
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoDbDataSource } from '../../../local/appsync/datasources/dynamodb/index.js';
import {
  createDynamoDbClient,
  createTables,
  startDynamoDbLocal,
  type DynamoDbLocal,
} from '../../../local/dynamodb/index.js';

const TABLE = `ds-wire-${randomBytes(4).toString('hex')}`;

describe('binary values against DynamoDB Local', () => {
  let dynamoDb: DynamoDbLocal;
  let client: DynamoDBClient;

  beforeAll(async () => {
    dynamoDb = await startDynamoDbLocal({});
    client = createDynamoDbClient(dynamoDb.endpoint);
    await createTables(client, [{ name: TABLE, partitionKey: { name: 'id', type: 'S' } }]);
  });

  afterAll(async () => {
    client.destroy();
    await dynamoDb.stop();
  });

  it('writes B and BS as bytes and reads them back as base64, in items and in condition failures', async () => {
    const dataSource = createDynamoDbDataSource({ client, tableName: TABLE });
    const key = { id: { S: 'blob' } };
    const attributeValues = { b: { B: 'Zm9v' }, bs: { BS: ['YmFy', 'YmF6'] }, m: { M: { B: { S: 'not binary' } } } };
    const put = await dataSource.invoke({
      request: { operation: 'PutItem', key, attributeValues },
      scope: 'Mutation.put',
    });
    expect(put.error).toBeUndefined();

    const { Item } = await client.send(new GetItemCommand({ TableName: TABLE, Key: key, ConsistentRead: true }));
    expect(Buffer.from(Item?.['b']?.B ?? []).toString()).toBe('foo');
    expect((Item?.['bs']?.BS ?? []).map((bytes) => Buffer.from(bytes).toString()).sort()).toEqual(['bar', 'baz']);

    const got = await dataSource.invoke({ request: { operation: 'GetItem', key }, scope: 'Query.get' });
    expect(got.result).toEqual({
      id: 'blob',
      b: 'Zm9v',
      bs: expect.arrayContaining(['YmFy', 'YmF6']),
      m: { B: 'not binary' },
    });

    // A conditional put of a different item: the error carries the stored item, decoded the same way.
    const refused = await dataSource.invoke({
      request: {
        operation: 'PutItem',
        key,
        attributeValues: { b: { B: 'eHl6' } },
        condition: { expression: 'attribute_not_exists(id)' },
      },
      scope: 'Mutation.put',
    });
    expect(refused.error?.type).toBe('DynamoDB:ConditionalCheckFailedException');
    expect(refused.result).toMatchObject({ id: 'blob', b: 'Zm9v' });
  });
});

describe('the protocol and retries, against a server that answers with errors', () => {
  interface Seen {
    readonly headers: IncomingHttpHeaders;
    readonly body: string;
  }
  const seen: Seen[] = [];
  let answer: { status: number; body: unknown } = { status: 500, body: {} };
  const server: Server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      seen.push({ headers: request.headers, body });
      response.writeHead(answer.status, {
        'content-type': 'application/x-amz-json-1.0',
        'x-amzn-requestid': 'req-1',
      });
      response.end(JSON.stringify(answer.body));
    });
  });
  let client: DynamoDBClient;

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    client = createDynamoDbClient(`http://127.0.0.1:${port}`, { maxAttempts: 3 });
  });

  afterAll(async () => {
    client.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const getItem = () =>
    createDynamoDbDataSource({ client, tableName: 'Items' }).invoke({
      request: { operation: 'GetItem', key: { id: { S: 'a' } } },
      scope: 'Query.get',
    });

  it('posts DynamoDB JSON with the JSON protocol headers and a SigV4-shaped Authorization', async () => {
    seen.length = 0;
    answer = { status: 200, body: { Item: { id: { S: 'a' } } } };
    expect((await getItem()).result).toEqual({ id: 'a' });
    const [request] = seen;
    expect(request?.headers['content-type']).toBe('application/x-amz-json-1.0');
    expect(request?.headers['x-amz-target']).toBe('DynamoDB_20120810.GetItem');
    expect(request?.headers.authorization).toMatch(
      new RegExp(
        '^AWS4-HMAC-SHA256 Credential=local/\\d{8}/us-east-1/dynamodb/aws4_request, ' +
          'SignedHeaders=\\S+, Signature=[0-9a-f]{64}$',
      ),
    );
    expect(JSON.parse(request?.body ?? '')).toEqual({ TableName: 'Items', Key: { id: { S: 'a' } } });
  });

  it('retries a 5xx answer up to maxAttempts, then reports it with its status and request id', async () => {
    seen.length = 0;
    answer = {
      status: 500,
      body: { __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message: 'Internal server error' },
    };
    const response = await getItem();
    expect(seen).toHaveLength(3);
    expect(response).toEqual({
      result: null,
      error: {
        type: 'DynamoDB:InternalServerErrorException',
        message: 'Internal server error (Service: DynamoDb, Status Code: 500, Request ID: req-1)',
      },
    });
  });

  it('does not retry a client error', async () => {
    seen.length = 0;
    answer = { status: 400, body: { __type: 'com.amazon.coral.validate#ValidationException', Message: 'bad key' } };
    const response = await getItem();
    expect(seen).toHaveLength(1);
    expect(response.error).toEqual({
      type: 'DynamoDB:DynamoDbException',
      message: 'bad key (Service: DynamoDb, Status Code: 400, Request ID: req-1)',
    });
  });
});
