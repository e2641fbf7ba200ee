/** The DynamoDB data source against a real DynamoDB Local (one instance for this file). */
import { randomBytes } from 'node:crypto';
import { GetItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoDbDataSource } from '../../../local/appsync/datasources/dynamodb/index.js';
import type { DataSource, DataSourceResponse } from '../../../local/appsync/datasources/types.js';
import {
  createDynamoDbClient,
  createTables,
  startDynamoDbLocal,
  type DynamoDbLocal,
} from '../../../local/dynamodb/index.js';

const suffix = randomBytes(4).toString('hex');
const ITEMS = `ds-items-${suffix}`;
const MESSAGES = `ds-messages-${suffix}`;
const ROOMS = `ds-rooms-${suffix}`;

/** AppSync's message format: "<DynamoDB message> (Service: DynamoDb, Status Code: 400, Request ID: <id>)". */
const appSyncMessage = (message: string): RegExp =>
  new RegExp(
    `^${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(Service: DynamoDb, Status Code: 400, Request ID: \\S+\\)$`,
  );

let dynamoDb: DynamoDbLocal;
let client: DynamoDBClient;
let items: DataSource;
let messages: DataSource;

/** Runs one request in a resolver's scope. */
function run(dataSource: DataSource, request: unknown, scope = 'Query.test'): Promise<DataSourceResponse> {
  return dataSource.invoke({ request, scope });
}

async function stored(table: string, id: string): Promise<unknown> {
  const { Item } = await client.send(
    new GetItemCommand({ TableName: table, Key: { id: { S: id } }, ConsistentRead: true }),
  );
  return Item;
}

beforeAll(async () => {
  dynamoDb = await startDynamoDbLocal({});
  client = createDynamoDbClient(dynamoDb.endpoint);
  await createTables(client, [
    { name: ITEMS, partitionKey: { name: 'id', type: 'S' } },
    { name: ROOMS, partitionKey: { name: 'id', type: 'S' } },
    {
      name: MESSAGES,
      partitionKey: { name: 'roomId', type: 'S' },
      sortKey: { name: 'sentAt', type: 'N' },
      globalSecondaryIndexes: [
        {
          indexName: 'byAuthor',
          partitionKey: { name: 'authorId', type: 'S' },
          sortKey: { name: 'sentAt', type: 'N' },
          projection: 'KEYS_ONLY',
        },
      ],
    },
  ]);
  items = createDynamoDbDataSource({ client, tableName: ITEMS });
  messages = createDynamoDbDataSource({ client, tableName: MESSAGES });
  const seed = [1, 2, 3, 4, 5].map((n) =>
    run(messages, {
      operation: 'PutItem',
      key: { roomId: { S: 'r1' }, sentAt: { N: n } },
      attributeValues: { authorId: { S: n % 2 === 0 ? 'even' : 'odd' }, body: { S: `message ${n}` } },
    }),
  );
  await Promise.all(seed);
});

afterAll(async () => {
  client?.destroy();
  await dynamoDb?.stop();
});

describe('GetItem', () => {
  it('returns the item as plain JSON (numbers as numbers, sets as arrays)', async () => {
    await run(items, {
      operation: 'PutItem',
      key: { id: { S: 'get-1' } },
      attributeValues: {
        count: { N: '3' },
        tags: { SS: ['a'] },
        nested: { M: { ok: { BOOL: true }, at: { NULL: null } } },
      },
    });
    expect(await run(items, { operation: 'GetItem', key: { id: { S: 'get-1' } }, consistentRead: true })).toEqual({
      result: { id: 'get-1', count: 3, tags: ['a'], nested: { ok: true, at: null } },
    });
  });

  it('returns null for a missing item and applies a projection', async () => {
    expect(await run(items, { operation: 'GetItem', key: { id: { S: 'absent' } } })).toEqual({ result: null });
    const projected = await run(items, {
      operation: 'GetItem',
      key: { id: { S: 'get-1' } },
      projection: { expression: '#c', expressionNames: { '#c': 'count' } },
    });
    expect(projected).toEqual({ result: { count: 3 } });
  });

  it('reports DynamoDB errors as ctx.error in AppSync’s format', async () => {
    const missingTable = createDynamoDbDataSource({ client, tableName: `ds-missing-${suffix}` });
    const response = await run(missingTable, { operation: 'GetItem', key: { id: { S: '1' } } });
    expect(response.result).toBeNull();
    expect(response.error?.type).toBe('DynamoDB:ResourceNotFoundException');
    expect(response.error?.message).toMatch(/ \(Service: DynamoDb, Status Code: 400, Request ID: \S+\)$/);

    const wrongKeyType = await run(items, { operation: 'GetItem', key: { id: { N: 1 } } });
    expect(wrongKeyType.result).toBeNull();
    expect(wrongKeyType.error?.type).toBe('DynamoDB:DynamoDbException');
    expect(wrongKeyType.error?.message).toMatch(
      /^One or more parameter values were invalid.*\(Service: DynamoDb, Status Code: 400, Request ID: \S+\)$/,
    );
  });
});

describe('PutItem', () => {
  it('writes key ∪ attributeValues and returns the written item', async () => {
    const response = await run(items, {
      operation: 'PutItem',
      key: { id: { S: 'put-1' } },
      attributeValues: { title: { S: 'hello' }, votes: { N: 0 } },
    });
    expect(response).toEqual({ result: { id: 'put-1', title: 'hello', votes: 0 } });
    expect(await stored(ITEMS, 'put-1')).toEqual({ id: { S: 'put-1' }, title: { S: 'hello' }, votes: { N: '0' } });
  });

  it('succeeds when the condition fails but the stored item equals the attempted one (idempotent retry)', async () => {
    const request = {
      operation: 'PutItem',
      key: { id: { S: 'put-idem' } },
      attributeValues: { title: { S: 'once' }, n: { N: 1.5 } },
      condition: { expression: 'attribute_not_exists(id)' },
    };
    expect(await run(items, request)).toEqual({ result: { id: 'put-idem', title: 'once', n: 1.5 } });
    // Same item again, with the number spelled differently: the condition fails, the items are equal → success.
    const retry = await run(items, { ...request, attributeValues: { title: { S: 'once' }, n: { N: '1.50' } } });
    expect(retry).toEqual({ result: { id: 'put-idem', title: 'once', n: 1.5 } });
  });

  it('ignores equalsIgnore attributes in that comparison', async () => {
    const put = (updatedAt: string): Promise<DataSourceResponse> =>
      run(items, {
        operation: 'PutItem',
        key: { id: { S: 'put-ignore' } },
        attributeValues: { title: { S: 't' }, updatedAt: { S: updatedAt } },
        condition: { expression: 'attribute_not_exists(id)', equalsIgnore: ['updatedAt'] },
      });
    await put('2024-01-01');
    expect(await put('2024-02-02')).toEqual({ result: { id: 'put-ignore', title: 't', updatedAt: '2024-01-01' } });
  });

  it('rejects with the current item in ctx.result when the stored item differs (string condition)', async () => {
    await run(items, { operation: 'PutItem', key: { id: { S: 'put-2' } }, attributeValues: { title: { S: 'first' } } });
    const response = await run(items, {
      operation: 'PutItem',
      key: { id: { S: 'put-2' } },
      attributeValues: { title: { S: 'second' } },
      condition: JSON.stringify({ expression: 'attribute_not_exists(#id)', expressionNames: { '#id': 'id' } }),
    });
    expect(response.result).toEqual({ id: 'put-2', title: 'first' });
    expect(response.error).toEqual({
      type: 'DynamoDB:ConditionalCheckFailedException',
      message: expect.stringMatching(appSyncMessage('The conditional request failed')),
    });
    expect(await stored(ITEMS, 'put-2')).toEqual({ id: { S: 'put-2' }, title: { S: 'first' } });
  });

  it('drops empty expressionNames/expressionValues, which DynamoDB would refuse', async () => {
    const response = await run(items, {
      operation: 'PutItem',
      key: { id: { S: 'put-empty-maps' } },
      attributeValues: {},
      condition: { expression: 'attribute_not_exists(id)', expressionNames: {}, expressionValues: {} },
    });
    expect(response).toEqual({ result: { id: 'put-empty-maps' } });
  });

  it('rejects with a null result when the condition fails on a missing item', async () => {
    const response = await run(items, {
      operation: 'PutItem',
      key: { id: { S: 'put-missing' } },
      attributeValues: { title: { S: 'x' } },
      condition: { expression: 'attribute_exists(id)' },
    });
    expect(response.result).toBeNull();
    expect(response.error?.type).toBe('DynamoDB:ConditionalCheckFailedException');
  });
});

describe('UpdateItem', () => {
  it('applies the update with merged condition names/values and returns the new item', async () => {
    await run(items, {
      operation: 'PutItem',
      key: { id: { S: 'upd-1' } },
      attributeValues: { votes: { N: 1 }, version: { N: 1 } },
    });
    const response = await run(items, {
      operation: 'UpdateItem',
      key: { id: { S: 'upd-1' } },
      update: {
        expression: 'ADD #votes :one SET #version = #version + :one',
        expressionNames: { '#votes': 'votes', '#version': 'version' },
        expressionValues: { ':one': { N: 1 } },
      },
      condition: {
        expression: '#version = :expected',
        expressionNames: { '#version': 'version' },
        expressionValues: { ':expected': { N: 1 } },
      },
    });
    expect(response).toEqual({ result: { id: 'upd-1', votes: 2, version: 2 } });
  });

  it('reports a failed condition with a null result (no comparison for updates)', async () => {
    const response = await run(items, {
      operation: 'UpdateItem',
      key: { id: { S: 'upd-1' } },
      update: { expression: 'SET title = :t', expressionValues: { ':t': { S: 'x' } } },
      condition: { expression: 'version = :v', expressionValues: { ':v': { N: 99 } } },
    });
    expect(response).toEqual({
      result: null,
      error: {
        type: 'DynamoDB:ConditionalCheckFailedException',
        message: expect.stringMatching(appSyncMessage('The conditional request failed')),
      },
    });
  });

  it('reports an invalid update expression as DynamoDB:DynamoDbException', async () => {
    const response = await run(items, {
      operation: 'UpdateItem',
      key: { id: { S: 'upd-1' } },
      update: { expression: 'SET title = :t', expressionValues: { ':t': { S: 'x' }, ':unused': { S: 'y' } } },
    });
    expect(response.result).toBeNull();
    expect(response.error?.type).toBe('DynamoDB:DynamoDbException');
    expect(response.error?.message).toMatch(/unused.*\(Service: DynamoDb, Status Code: 400, Request ID: \S+\)$/);
  });
});

describe('DeleteItem', () => {
  it('returns the deleted item, or null when there was none', async () => {
    await run(items, { operation: 'PutItem', key: { id: { S: 'del-1' } }, attributeValues: { title: { S: 'bye' } } });
    expect(await run(items, { operation: 'DeleteItem', key: { id: { S: 'del-1' } } })).toEqual({
      result: { id: 'del-1', title: 'bye' },
    });
    expect(await stored(ITEMS, 'del-1')).toBeUndefined();
    expect(await run(items, { operation: 'DeleteItem', key: { id: { S: 'del-1' } } })).toEqual({ result: null });
  });

  it('succeeds when the condition fails because the item is already gone', async () => {
    const response = await run(items, {
      operation: 'DeleteItem',
      key: { id: { S: 'del-gone' } },
      condition: { expression: 'attribute_exists(id)' },
    });
    expect(response).toEqual({ result: null });
  });

  it('rejects with the current item when the condition fails on an existing item', async () => {
    await run(items, { operation: 'PutItem', key: { id: { S: 'del-2' } }, attributeValues: { owner: { S: 'alice' } } });
    const response = await run(items, {
      operation: 'DeleteItem',
      key: { id: { S: 'del-2' } },
      condition: {
        expression: '#owner = :me',
        expressionNames: { '#owner': 'owner' },
        expressionValues: { ':me': { S: 'mallory' } },
      },
    });
    expect(response.result).toEqual({ id: 'del-2', owner: 'alice' });
    expect(response.error?.type).toBe('DynamoDB:ConditionalCheckFailedException');
    expect(await stored(ITEMS, 'del-2')).toBeDefined();
  });
});

describe('Query', () => {
  const byRoom = {
    operation: 'Query',
    query: {
      expression: '#room = :room',
      expressionNames: { '#room': 'roomId' },
      expressionValues: { ':room': { S: 'r1' } },
    },
  };

  it('pages through results with limit and opaque nextTokens', async () => {
    const sentAts: unknown[] = [];
    const pageSizes: number[] = [];
    let nextToken: string | undefined;
    do {
      const response = await run(messages, { ...byRoom, limit: 2, nextToken }, 'Query.listMessages');
      const page = response.result as { items: { sentAt: number }[]; nextToken: string | null; scannedCount: number };
      expect(response.error).toBeUndefined();
      expect(page.scannedCount).toBe(page.items.length);
      pageSizes.push(page.items.length);
      sentAts.push(...page.items.map((item) => item.sentAt));
      if (page.nextToken !== null) expect(page.nextToken).toMatch(/^eyJ2ZXJzaW9uIjox/);
      nextToken = page.nextToken ?? undefined;
    } while (nextToken !== undefined);
    expect(pageSizes).toEqual([2, 2, 1]);
    expect(sentAts).toEqual([1, 2, 3, 4, 5]);
  });

  it('returns { items, nextToken: null, scannedCount } with filter, direction and a string query', async () => {
    const response = await run(messages, {
      operation: 'Query',
      query: JSON.stringify(byRoom.query),
      filter: {
        expression: '#author = :author',
        expressionNames: { '#author': 'authorId' },
        expressionValues: { ':author': { S: 'odd' } },
      },
      scanIndexForward: false,
    });
    expect(response.result).toEqual({
      items: [5, 3, 1].map((n) => ({ roomId: 'r1', sentAt: n, authorId: 'odd', body: `message ${n}` })),
      nextToken: null,
      scannedCount: 5,
    });
  });

  it('queries a KEYS_ONLY index without forcing Select', async () => {
    const response = await run(messages, {
      operation: 'Query',
      index: 'byAuthor',
      query: { expression: 'authorId = :a', expressionValues: { ':a': { S: 'even' } } },
    });
    expect(response.error).toBeUndefined();
    expect((response.result as { items: unknown[] }).items).toEqual([
      { roomId: 'r1', sentAt: 2, authorId: 'even' },
      { roomId: 'r1', sentAt: 4, authorId: 'even' },
    ]);
  });

  it('refuses a token issued to another resolver, or altered', async () => {
    const first = await run(messages, { ...byRoom, limit: 1 }, 'Query.listMessages');
    const token = (first.result as { nextToken: string }).nextToken;
    const invalidToken = {
      result: null,
      error: {
        type: 'DynamoDB:UserIllegalArgumentException',
        message:
          'com.amazonaws.deepdish.common.pagination.InvalidPaginationTokenException: Invalid pagination token given.',
      },
    };
    expect(await run(messages, { ...byRoom, limit: 1, nextToken: token }, 'Query.otherResolver')).toEqual(invalidToken);
    const tampered = `${token.slice(0, 20)}${token[20] === 'A' ? 'B' : 'A'}${token.slice(21)}`;
    expect(await run(messages, { ...byRoom, limit: 1, nextToken: tampered }, 'Query.listMessages')).toEqual(
      invalidToken,
    );
    // A data source on another table does not accept it either, even from the same resolver.
    expect(await run(items, { operation: 'Scan', nextToken: token }, 'Query.listMessages')).toEqual(invalidToken);
  });
});

describe('Scan', () => {
  it('counts scanned items before the filter and pages with limit', async () => {
    const first = await run(messages, {
      operation: 'Scan',
      limit: 3,
      filter: { expression: 'authorId = :a', expressionValues: { ':a': { S: 'even' } } },
    });
    const page = first.result as { items: { sentAt: number }[]; nextToken: string | null; scannedCount: number };
    expect(page.scannedCount).toBe(3);
    expect(page.items.map((item) => item.sentAt)).toEqual([2]);
    expect(page.nextToken).not.toBeNull();
    const second = await run(messages, {
      operation: 'Scan',
      limit: 3,
      nextToken: page.nextToken,
      filter: { expression: 'authorId = :a', expressionValues: { ':a': { S: 'even' } } },
    });
    expect((second.result as { items: { sentAt: number }[] }).items.map((item) => item.sentAt)).toEqual([4]);
  });
});

describe('batch operations', () => {
  it('BatchPutItem → data per table in request order and unprocessedItems', async () => {
    const response = await run(items, {
      operation: 'BatchPutItem',
      tables: {
        [ROOMS]: [
          { id: { S: 'room-a' }, name: { S: 'A' } },
          { id: { S: 'room-b' }, name: { S: 'B' } },
        ],
        [ITEMS]: [{ id: { S: 'batch-1' }, n: { N: 1 } }],
      },
    });
    expect(response).toEqual({
      result: {
        data: {
          [ROOMS]: [
            { id: 'room-a', name: 'A' },
            { id: 'room-b', name: 'B' },
          ],
          [ITEMS]: [{ id: 'batch-1', n: 1 }],
        },
        unprocessedItems: { [ROOMS]: [], [ITEMS]: [] },
      },
    });
    expect(Object.keys((response.result as { data: object }).data)).toEqual([ROOMS, ITEMS]);
  });

  it('BatchGetItem → items in key order, null for missing keys, both request forms', async () => {
    const response = await run(items, {
      operation: 'BatchGetItem',
      tables: {
        [ROOMS]: {
          keys: [{ id: { S: 'room-b' } }, { id: { S: 'room-zzz' } }, { id: { S: 'room-a' } }],
          consistentRead: true,
        },
        [ITEMS]: [{ id: { S: 'batch-1' } }],
      },
    });
    expect(response).toEqual({
      result: {
        data: {
          [ROOMS]: [{ id: 'room-b', name: 'B' }, null, { id: 'room-a', name: 'A' }],
          [ITEMS]: [{ id: 'batch-1', n: 1 }],
        },
        unprocessedKeys: { [ROOMS]: [], [ITEMS]: [] },
      },
    });
  });

  it('BatchGetItem with a projection still matches items to keys and returns only what was asked for', async () => {
    const response = await run(items, {
      operation: 'BatchGetItem',
      tables: {
        [ROOMS]: {
          keys: [{ id: { S: 'room-a' } }, { id: { S: 'room-b' } }],
          projection: { expression: '#n', expressionNames: { '#n': 'name' } },
        },
      },
    });
    expect((response.result as { data: unknown }).data).toEqual({ [ROOMS]: [{ name: 'A' }, { name: 'B' }] });
  });

  it('BatchDeleteItem → the deleted keys and unprocessedKeys', async () => {
    const response = await run(items, {
      operation: 'BatchDeleteItem',
      tables: { [ROOMS]: [{ id: { S: 'room-b' } }], [ITEMS]: [{ id: { S: 'batch-1' } }] },
    });
    expect(response).toEqual({
      result: {
        data: { [ROOMS]: [{ id: 'room-b' }], [ITEMS]: [{ id: 'batch-1' }] },
        unprocessedKeys: { [ROOMS]: [], [ITEMS]: [] },
      },
    });
    expect(await stored(ROOMS, 'room-b')).toBeUndefined();
  });

  it('reports a refused batch as ctx.error', async () => {
    const response = await run(items, {
      operation: 'BatchGetItem',
      tables: { [ROOMS]: { keys: [{ id: { S: 'dup' } }, { id: { S: 'dup' } }] } },
    });
    expect(response.result).toBeNull();
    expect(response.error?.type).toBe('DynamoDB:DynamoDbException');
  });
});

describe('transactions', () => {
  it('TransactGetItems → items in request order with null for missing', async () => {
    await run(items, { operation: 'PutItem', key: { id: { S: 'tx-get' } }, attributeValues: { v: { N: 7 } } });
    const response = await run(items, {
      operation: 'TransactGetItems',
      transactItems: [
        { table: ROOMS, key: { id: { S: 'room-a' } } },
        { table: ITEMS, key: { id: { S: 'tx-nothing' } } },
        { table: ITEMS, key: { id: { S: 'tx-get' } }, projection: { expression: 'v' } },
      ],
    });
    expect(response).toEqual({
      result: { items: [{ id: 'room-a', name: 'A' }, null, { v: 7 }], cancellationReasons: null },
    });
  });

  it('TransactWriteItems → the keys in request order', async () => {
    await run(items, { operation: 'PutItem', key: { id: { S: 'tx-upd' } }, attributeValues: { n: { N: 1 } } });
    const response = await run(items, {
      operation: 'TransactWriteItems',
      transactItems: [
        { table: ITEMS, operation: 'PutItem', key: { id: { S: 'tx-put' } }, attributeValues: { title: { S: 'new' } } },
        {
          table: ITEMS,
          operation: 'UpdateItem',
          key: { id: { S: 'tx-upd' } },
          update: { expression: 'SET n = n + :one', expressionValues: { ':one': { N: 1 } } },
        },
        {
          table: ROOMS,
          operation: 'ConditionCheck',
          key: { id: { S: 'room-a' } },
          condition: { expression: 'attribute_exists(id)' },
        },
      ],
    });
    expect(response).toEqual({
      result: { keys: [{ id: 'tx-put' }, { id: 'tx-upd' }, { id: 'room-a' }], cancellationReasons: null },
    });
    expect(await stored(ITEMS, 'tx-upd')).toEqual({ id: { S: 'tx-upd' }, n: { N: '2' } });
  });

  it('a cancelled transaction reports its reasons, with the current item where asked for', async () => {
    const conditionFailedMessage = expect.stringMatching(/^The conditional request failed\.?$/);
    await run(items, {
      operation: 'PutItem',
      key: { id: { S: 'tx-old' } },
      attributeValues: { title: { S: 'Actual old title' } },
    });
    const response = await run(items, {
      operation: 'TransactWriteItems',
      transactItems: [
        {
          table: ITEMS,
          operation: 'PutItem',
          key: { id: { S: 'tx-old' } },
          attributeValues: { title: { S: 'replacement' } },
          condition: { expression: 'attribute_not_exists(id)', returnValuesOnConditionCheckFailure: true },
        },
        { table: ITEMS, operation: 'DeleteItem', key: { id: { S: 'tx-put' } } },
        {
          table: ROOMS,
          operation: 'ConditionCheck',
          key: { id: { S: 'room-a' } },
          condition: { expression: 'attribute_not_exists(id)', returnValuesOnConditionCheckFailure: false },
        },
      ],
    });
    expect(response.result).toEqual({
      keys: null,
      cancellationReasons: [
        // Messages are DynamoDB's own (DynamoDB Local ends some with a period).
        {
          item: { id: 'tx-old', title: 'Actual old title' },
          type: 'ConditionalCheckFailed',
          message: conditionFailedMessage,
        },
        { type: 'None', message: 'None' },
        { type: 'ConditionalCheckFailed', message: conditionFailedMessage },
      ],
    });
    expect(response.error?.type).toBe('DynamoDB:TransactionCanceledException');
    expect(response.error?.message).toMatch(
      appSyncMessage(
        'Transaction cancelled, please refer cancellation reasons for specific reasons ' +
          '[ConditionalCheckFailed, None, ConditionalCheckFailed]',
      ),
    );
    expect(await stored(ITEMS, 'tx-put')).toBeDefined();
  });
});
