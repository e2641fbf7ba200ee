import { describe, expect, it } from 'vitest';
import { dynamodbModule, UtilArgumentError } from '../../../../local/appsync/runtime/util/index.js';
import type { dynamodbHelpers } from '../../../../local/appsync/runtime/util/dynamodb-helpers.js';
import { thrown } from './fixture.js';

const ddb = dynamodbModule as typeof dynamodbHelpers;

describe('@aws-appsync/utils/dynamodb exports', () => {
  it('has exactly the documented exports, frozen', () => {
    expect(Object.keys(dynamodbModule).sort()).toStrictEqual(
      [
        'batchDelete',
        'batchGet',
        'batchPut',
        'get',
        'operations',
        'put',
        'query',
        'remove',
        'scan',
        'sync',
        'toBinarySet',
        'toNumberSet',
        'toStringSet',
        'transactGet',
        'transactWrite',
        'update',
      ].sort(),
    );
    expect(Object.isFrozen(dynamodbModule)).toBe(true);
    expect(Object.isFrozen(ddb.operations)).toBe(true);
  });

  it('set converters', () => {
    expect(ddb.toStringSet(['a', 'b'])).toStrictEqual({ SS: ['a', 'b'] });
    expect(ddb.toNumberSet([1, 2.5])).toStrictEqual({ NS: [1, 2.5] });
    expect(ddb.toBinarySet(['SGVsbG8='])).toStrictEqual({ BS: ['SGVsbG8='] });
  });
});

describe('operations — AWS-recorded shapes', () => {
  it('builds the operation markers', () => {
    expect(ddb.operations.add(10)).toStrictEqual({ type: 'OPERATION_ADD', value: 10 });
    expect(ddb.operations.append([1, 2, 3])).toStrictEqual({ type: 'OPERATION_APPEND', items: [1, 2, 3] });
    expect(ddb.operations.prepend([1, 2, 3])).toStrictEqual({ type: 'OPERATION_PREPEND', items: [1, 2, 3] });
    expect(ddb.operations.increment(10)).toStrictEqual({ type: 'OPERATION_INCREMENT', by: 10 });
    expect(ddb.operations.decrement(10)).toStrictEqual({ type: 'OPERATION_DECREMENT', by: 10 });
    expect(ddb.operations.replace({ a: 10 })).toStrictEqual({ type: 'OPERATION_REPLACE', value: { a: 10 } });
    expect(ddb.operations.remove()).toStrictEqual({ type: 'OPERATION_REMOVE' });
    expect(ddb.operations.increment()).toStrictEqual({ type: 'OPERATION_INCREMENT', by: 1 });
  });
});

describe('get / put / remove / scan — AWS-recorded requests', () => {
  it('get', () => {
    expect(ddb.get({ key: { id: 'id' } })).toStrictEqual({ operation: 'GetItem', key: { id: { S: 'id' } } });
  });

  it('put', () => {
    expect(ddb.put({ key: { id: 'abc' }, item: { value: 10 } })).toStrictEqual({
      operation: 'PutItem',
      key: { id: { S: 'abc' } },
      attributeValues: { value: { N: 10 } },
    });
  });

  it('remove', () => {
    expect(ddb.remove({ key: { id: 'test' } })).toStrictEqual({ operation: 'DeleteItem', key: { id: { S: 'test' } } });
  });

  it('scan', () => {
    expect(ddb.scan({ limit: 10, nextToken: 'abc' })).toStrictEqual({ operation: 'Scan', limit: 10, nextToken: 'abc' });
  });
});

describe('update — AWS-recorded expressions', () => {
  const updateOf = (update: Record<string, unknown>) => ddb.update({ key: { id: 'test' }, update });

  it('add renders SET', () => {
    expect(updateOf({ age: ddb.operations.add(10) })).toStrictEqual({
      operation: 'UpdateItem',
      key: { id: { S: 'test' } },
      update: {
        expression: 'SET #expName_1 = :expValue_1',
        expressionNames: { '#expName_1': 'age' },
        expressionValues: { ':expValue_1': { N: 10 } },
      },
    });
  });

  it('increment, decrement, append, prepend and replace', () => {
    expect(updateOf({ age: ddb.operations.increment(10) }).update).toStrictEqual({
      expression: 'SET #expName_1 = #expName_1 + :expValue_1',
      expressionNames: { '#expName_1': 'age' },
      expressionValues: { ':expValue_1': { N: 10 } },
    });
    expect(updateOf({ age: ddb.operations.decrement(10) }).update).toMatchObject({
      expression: 'SET #expName_1 = #expName_1 - :expValue_1',
    });
    expect(updateOf({ values: ddb.operations.append([1, 2, 3]) }).update).toStrictEqual({
      expression: 'SET #expName_1 = list_append(#expName_1, :expValue_1)',
      expressionNames: { '#expName_1': 'values' },
      expressionValues: { ':expValue_1': { L: [{ N: 1 }, { N: 2 }, { N: 3 }] } },
    });
    expect(updateOf({ values: ddb.operations.prepend([1, 2, 3]) }).update).toMatchObject({
      expression: 'SET #expName_1 = list_append(:expValue_1, #expName_1)',
    });
    expect(updateOf({ values: ddb.operations.replace({ a: 10 }) }).update).toStrictEqual({
      expression: 'SET #expName_1 = :expValue_1',
      expressionNames: { '#expName_1': 'values' },
      expressionValues: { ':expValue_1': { M: { a: { N: 10 } } } },
    });
  });

  it('bare values, including null, become one SET list (recorded with EvaluateCode for a profile update)', () => {
    expect(updateOf({ name: 'Toni Test', imageUrl: null, bio: 'The test bio', location: null }).update).toStrictEqual({
      expression:
        'SET #expName_1 = :expValue_1, #expName_2 = :expValue_2, #expName_3 = :expValue_3, #expName_4 = :expValue_4',
      expressionNames: {
        '#expName_1': 'name',
        '#expName_2': 'imageUrl',
        '#expName_3': 'bio',
        '#expName_4': 'location',
      },
      expressionValues: {
        ':expValue_1': { S: 'Toni Test' },
        ':expValue_2': { NULL: null },
        ':expValue_3': { S: 'The test bio' },
        ':expValue_4': { NULL: null },
      },
    });
  });

  it('puts SET before REMOVE and numbers names in output order', () => {
    expect(updateOf({ a: ddb.operations.increment(1), b: ddb.operations.remove() }).update).toStrictEqual({
      expression: 'SET #expName_1 = #expName_1 + :expValue_1 REMOVE #expName_2',
      expressionNames: { '#expName_1': 'a', '#expName_2': 'b' },
      expressionValues: { ':expValue_1': { N: 1 } },
    });
    expect(updateOf({ gone: ddb.operations.remove(), kept: 5 }).update).toStrictEqual({
      expression: 'SET #expName_1 = :expValue_1 REMOVE #expName_2',
      expressionNames: { '#expName_1': 'kept', '#expName_2': 'gone' },
      expressionValues: { ':expValue_1': { N: 5 } },
    });
    expect(updateOf({ gone: ddb.operations.remove() }).update).toStrictEqual({
      expression: 'REMOVE #expName_1',
      expressionNames: { '#expName_1': 'gone' },
    });
  });

  it('updates list items and nested map keys by path', () => {
    expect(
      updateOf({ friendsIds: [ddb.operations.updateListItem('102', 1), ddb.operations.updateListItem('112', 2)] })
        .update,
    ).toStrictEqual({
      expression: 'SET #expName_1[1] = :expValue_1, #expName_1[2] = :expValue_2',
      expressionNames: { '#expName_1': 'friendsIds' },
      expressionValues: { ':expValue_1': { S: '102' }, ':expValue_2': { S: '112' } },
    });
    expect(updateOf({ address: { city: 'Paris', visits: ddb.operations.increment(1) } }).update).toStrictEqual({
      expression:
        'SET #expName_1.#expName_2 = :expValue_1, #expName_1.#expName_3 = #expName_1.#expName_3 + :expValue_2',
      expressionNames: { '#expName_1': 'address', '#expName_2': 'city', '#expName_3': 'visits' },
      expressionValues: { ':expValue_1': { S: 'Paris' }, ':expValue_2': { N: 1 } },
    });
    expect(updateOf({ tags: ['a', 'b'] }).update).toMatchObject({
      expressionValues: { ':expValue_1': { L: [{ S: 'a' }, { S: 'b' }] } },
    });
  });

  it('keeps _version and the conflict-detection fields', () => {
    expect(
      ddb.update({
        key: { id: 'x' },
        update: { a: 1 },
        _version: 3,
        customPartitionKey: 'pk',
        populateIndexFields: true,
      }),
    ).toMatchObject({
      _version: 3,
      customPartitionKey: 'pk',
      populateIndexFields: true,
    });
  });
});

describe('conditions, filters, key conditions and projections', () => {
  it('renders a condition like util.transform, leaving out empty maps', () => {
    expect(ddb.put({ key: { id: '1' }, item: { a: 1 }, condition: { id: { attributeExists: false } } })).toStrictEqual({
      operation: 'PutItem',
      key: { id: { S: '1' } },
      attributeValues: { a: { N: 1 } },
      condition: { expression: '(attribute_not_exists(#id))', expressionNames: { '#id': 'id' } },
    });
    expect(ddb.remove({ key: { id: '1' }, condition: { owner: { eq: 'me' } }, _version: 2 })).toStrictEqual({
      operation: 'DeleteItem',
      key: { id: { S: '1' } },
      condition: {
        expression: '(#owner = :owner_eq)',
        expressionNames: { '#owner': 'owner' },
        expressionValues: { ':owner_eq': { S: 'me' } },
      },
      _version: 2,
    });
  });

  it('passes an already-rendered condition through and drops an empty one', () => {
    const rendered = { expression: 'attribute_exists(id)' };
    expect(ddb.update({ key: { id: '1' }, update: { a: 1 }, condition: rendered }).condition).toStrictEqual(rendered);
    expect(ddb.put({ key: { id: '1' }, item: {}, condition: {} })).not.toHaveProperty('condition');
  });

  it('query renders the key condition, filter and projection', () => {
    expect(
      ddb.query({
        query: { a: { eq: 'x' }, b: { beginsWith: 'y' } },
        index: 'byA',
        limit: 20,
        scanIndexForward: false,
        filter: { deleted: { ne: true } },
        projection: ['id', 'a.b'],
        nextToken: null,
      }),
    ).toStrictEqual({
      operation: 'Query',
      query: {
        expression: '(#a = :a_eq) AND (begins_with(#b,:b_beginsWith))',
        expressionNames: { '#a': 'a', '#b': 'b' },
        expressionValues: { ':a_eq': { S: 'x' }, ':b_beginsWith': { S: 'y' } },
      },
      index: 'byA',
      limit: 20,
      scanIndexForward: false,
      filter: {
        expression: '(#deleted <> :deleted_ne)',
        expressionNames: { '#deleted': 'deleted' },
        expressionValues: { ':deleted_ne': { BOOL: true } },
      },
      projection: {
        expression: '#expName_1, #expName_2.#expName_3',
        expressionNames: { '#expName_1': 'id', '#expName_2': 'a', '#expName_3': 'b' },
      },
    });
  });

  it('aliases each projection segment once and keeps list indexes', () => {
    expect(
      ddb.get({ key: { id: '1' }, consistentRead: true, projection: ['id', 'name', 'nested.object[1]', 'nested.id'] }),
    ).toStrictEqual({
      operation: 'GetItem',
      key: { id: { S: '1' } },
      consistentRead: true,
      projection: {
        expression: '#expName_1, #expName_2, #expName_3.#expName_4[1], #expName_3.#expName_1',
        expressionNames: { '#expName_1': 'id', '#expName_2': 'name', '#expName_3': 'nested', '#expName_4': 'object' },
      },
    });
  });

  it('scan and sync keep their optional fields', () => {
    expect(
      ddb.scan({
        index: 'i',
        totalSegments: 4,
        segment: 1,
        consistentRead: false,
        filter: { a: { gt: 1 } },
        select: 'ALL_ATTRIBUTES',
      }),
    ).toStrictEqual({
      operation: 'Scan',
      index: 'i',
      consistentRead: false,
      totalSegments: 4,
      segment: 1,
      select: 'ALL_ATTRIBUTES',
      filter: { expression: '(#a > :a_gt)', expressionNames: { '#a': 'a' }, expressionValues: { ':a_gt': { N: 1 } } },
    });
    expect(ddb.sync({ limit: 10, nextToken: 'abc', lastSync: 1 })).toStrictEqual({
      operation: 'Sync',
      limit: 10,
      nextToken: 'abc',
      lastSync: 1,
    });
  });

  it('rejects malformed input', () => {
    expect(thrown(() => ddb.get({ key: 'id' } as never))).toBeInstanceOf(UtilArgumentError);
    expect(thrown(() => ddb.query({ query: {} } as never))).toBeInstanceOf(UtilArgumentError);
    expect(thrown(() => ddb.scan({ filter: { a: { nope: 1 } } } as never))).toBeInstanceOf(UtilArgumentError);
    expect(thrown(() => ddb.get({ key: { id: '1' }, projection: ['a..b'] } as never))).toBeInstanceOf(
      UtilArgumentError,
    );
  });
});

describe('batch and transaction requests', () => {
  it('batchGet / batchPut / batchDelete', () => {
    expect(
      ddb.batchGet({
        tables: { post: { keys: [{ id: '1' }, { id: '2' }], consistentRead: true, projection: ['id'] } },
      }),
    ).toStrictEqual({
      operation: 'BatchGetItem',
      tables: {
        post: {
          keys: [{ id: { S: '1' } }, { id: { S: '2' } }],
          consistentRead: true,
          projection: { expression: '#expName_1', expressionNames: { '#expName_1': 'id' } },
        },
      },
    });
    expect(ddb.batchPut({ tables: { post: [{ id: 'one', value: 'x' }], comment: [{ id: 'c', n: 1 }] } })).toStrictEqual(
      {
        operation: 'BatchPutItem',
        tables: { post: [{ id: { S: 'one' }, value: { S: 'x' } }], comment: [{ id: { S: 'c' }, n: { N: 1 } }] },
      },
    );
    expect(ddb.batchDelete({ tables: { post: [{ id: 'one' }, { id: 'two' }] } })).toStrictEqual({
      operation: 'BatchDeleteItem',
      tables: { post: [{ id: { S: 'one' } }, { id: { S: 'two' } }] },
    });
  });

  it('transactGet / transactWrite', () => {
    expect(
      ddb.transactGet({
        items: [
          { table: 'post', key: { id: '1' }, projection: ['name'] },
          { table: 'post', key: { id: '2' } },
        ],
      }),
    ).toStrictEqual({
      operation: 'TransactGetItems',
      transactItems: [
        {
          table: 'post',
          key: { id: { S: '1' } },
          projection: { expression: '#expName_1', expressionNames: { '#expName_1': 'name' } },
        },
        { table: 'post', key: { id: { S: '2' } } },
      ],
    });
    expect(
      ddb.transactWrite({
        items: [
          {
            putItem: {
              table: 'post',
              key: { id: '1' },
              item: { title: 't' },
              condition: { id: { attributeExists: false } },
            },
          },
          { updateItem: { table: 'post', key: { id: '2' }, update: { views: ddb.operations.increment() } } },
          { deleteItem: { table: 'post', key: { id: '3' } } },
          { conditionCheck: { table: 'author', key: { id: 'a' }, condition: { banned: { ne: true } } } },
        ],
      }),
    ).toStrictEqual({
      operation: 'TransactWriteItems',
      transactItems: [
        {
          table: 'post',
          key: { id: { S: '1' } },
          operation: 'PutItem',
          attributeValues: { title: { S: 't' } },
          condition: { expression: '(attribute_not_exists(#id))', expressionNames: { '#id': 'id' } },
        },
        {
          table: 'post',
          key: { id: { S: '2' } },
          operation: 'UpdateItem',
          update: {
            expression: 'SET #expName_1 = #expName_1 + :expValue_1',
            expressionNames: { '#expName_1': 'views' },
            expressionValues: { ':expValue_1': { N: 1 } },
          },
        },
        { table: 'post', key: { id: { S: '3' } }, operation: 'DeleteItem' },
        {
          table: 'author',
          key: { id: { S: 'a' } },
          operation: 'ConditionCheck',
          condition: {
            expression: '(#banned <> :banned_ne)',
            expressionNames: { '#banned': 'banned' },
            expressionValues: { ':banned_ne': { BOOL: true } },
          },
        },
      ],
    });
    expect(thrown(() => ddb.transactWrite({ items: [{ table: 'post' }] } as never))).toBeInstanceOf(UtilArgumentError);
    expect(
      thrown(() => ddb.transactWrite({ items: [{ conditionCheck: { table: 'p', key: { id: '1' } } }] } as never)),
    ).toBeInstanceOf(UtilArgumentError);
  });
});
