import { describe, expect, it } from 'vitest';
import { createNoneDataSource } from '../../../local/appsync/datasources/none.js';

describe('NONE data source', () => {
  const none = createNoneDataSource();

  it('forwards the payload as the result', async () => {
    const payload = { id: 'm1', body: 'hi', nested: [1, { a: null }] };
    expect(await none.invoke({ request: { payload }, scope: 'Mutation.publish' })).toEqual({ result: payload });
  });

  it('gives null when there is no payload', async () => {
    expect(await none.invoke({ request: {}, scope: 'Subscription.onMessage' })).toEqual({ result: null });
    expect(await none.invoke({ request: { payload: null }, scope: 'Subscription.onMessage' })).toEqual({
      result: null,
    });
  });

  it('forwards falsy payloads as they are', async () => {
    expect(await none.invoke({ request: { payload: 0 }, scope: 's' })).toEqual({ result: 0 });
    expect(await none.invoke({ request: { payload: false }, scope: 's' })).toEqual({ result: false });
  });
});
