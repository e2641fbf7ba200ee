import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { dynamodbModule, EarlyReturnSignal, UtilErrorSignal } from '../../../../local/appsync/runtime/util/index.js';
import { harness } from './fixture.js';

/** Runs resolver-style code in a separate V8 context, as the sandbox does, with the globals injected. */
function runInSandbox(code: string, h = harness()): { result: unknown; h: typeof h } {
  const result = runInNewContext(code, {
    util: h.util,
    extensions: h.extensions,
    runtime: h.runtime,
    ddb: dynamodbModule,
  });
  return { result: JSON.parse(JSON.stringify(result)) as unknown, h };
}

describe('the library called from another realm', () => {
  it('accepts objects, arrays and dates created inside the sandbox', () => {
    const { result, h } = runInSandbox(`
      const filter = util.transform.toSubscriptionFilter({ roomId: { eq: 'r1' }, or: [{ kind: { eq: 'text' } }, { kind: { eq: 'image' } }] });
      extensions.setSubscriptionFilter(filter);
      extensions.invalidateSubscriptions({ subscriptionField: 'onMessage', payload: { roomId: 'r1' } });
      util.appendError('note', 'Info', { at: [1, 2] });
      ({
        put: ddb.put({ key: { id: 'a' }, item: { tags: ['x'], at: new Date(0), n: 1 }, condition: { id: { attributeExists: false } } }),
        update: ddb.update({ key: { id: 'a' }, update: { count: ddb.operations.increment(2), tags: ddb.operations.append(['y']) } }),
        expression: util.transform.toDynamoDBFilterExpression({ and: [{ a: { in: [1, 2] } }, { b: { between: ['x', 'y'] } }] }),
        matches: util.matches('[a-z]+', 'abc'),
        list: util.dynamodb.toList([1, 'two', { three: [3] }]),
      })`);
    expect(result).toEqual({
      put: {
        operation: 'PutItem',
        key: { id: { S: 'a' } },
        attributeValues: { tags: { L: [{ S: 'x' }] }, at: { S: '1970-01-01T00:00:00.000Z' }, n: { N: 1 } },
        condition: { expression: '(attribute_not_exists(#id))', expressionNames: { '#id': 'id' } },
      },
      update: {
        operation: 'UpdateItem',
        key: { id: { S: 'a' } },
        update: {
          expression: 'SET #expName_1 = #expName_1 + :expValue_1, #expName_2 = list_append(#expName_2, :expValue_2)',
          expressionNames: { '#expName_1': 'count', '#expName_2': 'tags' },
          expressionValues: { ':expValue_1': { N: 2 }, ':expValue_2': { L: [{ S: 'y' }] } },
        },
      },
      expression:
        '{"expression":"((#a IN (:and_0_a_in_0, :and_0_a_in_1)) AND (#b BETWEEN :and_1_b_between_start AND :and_1_b_between_end))","expressionNames":{"#a":"a","#b":"b"},"expressionValues":{":and_0_a_in_0":{"N":1},":and_0_a_in_1":{"N":2},":and_1_b_between_start":{"S":"x"},":and_1_b_between_end":{"S":"y"}}}',
      matches: true,
      list: { L: [{ N: 1 }, { S: 'two' }, { M: { three: { L: [{ N: 3 }] } } }] },
    });
    expect(h.state.effects.subscriptionFilter?.filterGroup).toHaveLength(2);
    expect(h.state.effects.invalidations).toEqual([{ subscriptionField: 'onMessage', payload: { roomId: 'r1' } }]);
    expect(h.state.effects.appendedErrors).toEqual([
      { message: 'note', errorType: 'Info', data: { at: [1, 2] }, errorInfo: null },
    ]);
  });

  it('stops sandboxed code with host signal classes', () => {
    const h = harness({ fieldName: 'sendMessage', parentTypeName: 'Mutation' });
    const stop = (code: string): unknown => {
      try {
        runInSandbox(code, h);
      } catch (error) {
        return error;
      }
      return undefined;
    };
    const unauthorized = stop(`util.unauthorized(); 'not reached'`);
    expect(unauthorized).toBeInstanceOf(UtilErrorSignal);
    expect((unauthorized as UtilErrorSignal).record.message).toBe(
      'Not Authorized to access sendMessage on type Mutation',
    );
    const early = stop(`runtime.earlyReturn({ cached: [1] }, { skipTo: 'NEXT' })`);
    expect(early).toBeInstanceOf(EarlyReturnSignal);
    expect((early as EarlyReturnSignal).value).toEqual({ cached: [1] });
  });

  it('cannot be modified by sandboxed code', () => {
    const { result } = runInSandbox(`
      'use strict';
      const attempts = [];
      for (const patch of [() => { util.autoId = () => 'x'; }, () => { util.time.nowISO8601 = () => 'x'; }, () => { ddb.operations.add = null; }]) {
        let failed = false;
        try { patch(); } catch (e) { failed = true; }
        attempts.push(failed);
      }
      attempts`);
    expect(result).toEqual([true, true, true]);
  });
});
