/**
 * The DynamoDB data source when DynamoDB cannot be reached: refused or cut connections become AppSync-style
 * data-source errors (`ctx.error`) that name no internal address, instead of rejecting with Node's network error.
 */
import { createServer, type AddressInfo, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoDbDataSource } from '../../../local/appsync/datasources/dynamodb/index.js';
import { MalformedRequestError } from '../../../local/appsync/datasources/errors.js';
import { createDynamoDbClient } from '../../../local/dynamodb/index.js';

const GET_ITEM = { operation: 'GetItem', key: { id: { S: 'a' } } };
const PUT_ITEM = { operation: 'PutItem', key: { id: { S: 'a' } }, attributeValues: { body: { S: 'hi' } } };
const QUERY = {
  operation: 'Query',
  query: { expression: 'id = :id', expressionValues: { ':id': { S: 'a' } } },
};

const listen = async (server: Server): Promise<number> => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
};
const close = (server: Server) =>
  new Promise<void>((resolve) => server.close(() => resolve()));

describe('the DynamoDB data source with DynamoDB unreachable', () => {
  let refusedPort: number;
  const resetting = createServer((socket) => socket.resetAndDestroy());
  let resettingPort: number;

  beforeAll(async () => {
    // A port that was just free and is closed again: nothing listens there.
    const probe = createServer();
    refusedPort = await listen(probe);
    await close(probe);
    resettingPort = await listen(resetting);
  });

  afterAll(async () => {
    await close(resetting);
  });

  const dataSourceAt = (port: number) => {
    const client = createDynamoDbClient(`http://127.0.0.1:${port}`, {
      maxAttempts: 2,
    });
    return { client, dataSource: createDynamoDbDataSource({ client, tableName: 'Items' }) };
  };

  const expectUnreachable = (response: { result: unknown; error?: { type: string; message: string } }) => {
    expect(response.result).toBeNull();
    expect(response.error?.type).toBe('DynamoDB:DynamoDbException');
    expect(response.error?.message).toMatch(/^Unable to execute HTTP request: DynamoDB could not be reached/);
    expect(response.error?.message).not.toMatch(/127\.0\.0\.1|ECONN|\d{4,5}/);
  };

  it('answers a refused connection with a data-source error, for reads, writes and queries alike', async () => {
    const { client, dataSource } = dataSourceAt(refusedPort);
    try {
      for (const request of [GET_ITEM, PUT_ITEM, QUERY]) {
        expectUnreachable(await dataSource.invoke({ request, scope: 'Query.test' }));
      }
    } finally {
      client.destroy();
    }
  });

  it('answers a connection cut by the peer the same way', async () => {
    const { client, dataSource } = dataSourceAt(resettingPort);
    try {
      expectUnreachable(await dataSource.invoke({ request: GET_ITEM, scope: 'Query.test' }));
    } finally {
      client.destroy();
    }
  });

  it('still rejects a malformed request before trying to reach DynamoDB', async () => {
    const { client, dataSource } = dataSourceAt(refusedPort);
    try {
      await expect(dataSource.invoke({ request: { operation: 'GetItem' }, scope: 'Query.test' })).rejects.toThrow(
        MalformedRequestError,
      );
    } finally {
      client.destroy();
    }
  });
});
