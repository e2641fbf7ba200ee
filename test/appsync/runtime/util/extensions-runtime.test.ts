import { describe, expect, it } from 'vitest';
import {
  EarlyReturnSignal,
  responseHeadersOf,
  UtilArgumentError,
} from '../../../../local/appsync/runtime/util/index.js';
import { harness, newEffects, thrown } from './fixture.js';

describe('extensions.setSubscriptionFilter / setSubscriptionInvalidationFilter', () => {
  it('stores the object util.transform.toSubscriptionFilter returns (the last call wins)', () => {
    const h = harness({ fieldName: 'onMessage', parentTypeName: 'Subscription' });
    const first = h.util.transform.toSubscriptionFilter({ roomId: { eq: 'r1' } });
    const second = h.util.transform.toSubscriptionFilter({ roomId: { eq: 'r2' }, senderId: { ne: 'me' } });
    h.extensions.setSubscriptionFilter(first as never);
    h.extensions.setSubscriptionFilter(second as never);
    expect(h.state.effects.subscriptionFilter).toEqual({
      filterGroup: [
        {
          filters: [
            { fieldName: 'roomId', operator: 'eq', value: 'r2' },
            { fieldName: 'senderId', operator: 'ne', value: 'me' },
          ],
        },
      ],
    });
    h.extensions.setSubscriptionInvalidationFilter({
      filterGroup: [{ filters: [{ fieldName: 'roomId', operator: 'eq', value: 'r2' }] }],
    });
    expect(h.state.effects.invalidationFilter).toEqual({
      filterGroup: [{ filters: [{ fieldName: 'roomId', operator: 'eq', value: 'r2' }] }],
    });
  });

  it('copies the filter, accepts its JSON text and rejects other shapes', () => {
    const h = harness();
    const filter = { filterGroup: [{ filters: [{ fieldName: 'a', operator: 'in', value: [1, 2] }] }] };
    h.extensions.setSubscriptionFilter(filter as never);
    filter.filterGroup[0]?.filters[0]?.value.push(3);
    expect(h.state.effects.subscriptionFilter?.filterGroup[0]?.filters[0]?.value).toEqual([1, 2]);
    h.extensions.setSubscriptionFilter(JSON.stringify(filter) as never);
    expect(h.state.effects.subscriptionFilter?.filterGroup[0]?.filters[0]?.value).toEqual([1, 2, 3]);
    expect(thrown(() => h.extensions.setSubscriptionFilter({ roomId: { eq: 1 } } as never))).toBeInstanceOf(
      UtilArgumentError,
    );
    expect(
      thrown(() => h.extensions.setSubscriptionFilter({ filterGroup: [{ filters: [{ value: 1 }] }] } as never)),
    ).toBeInstanceOf(UtilArgumentError);
  });
});

describe('extensions.invalidateSubscriptions / evictFromApiCache', () => {
  it('records invalidations once per distinct field and payload', () => {
    const h = harness({ parentTypeName: 'Mutation', fieldName: 'leaveRoom' });
    h.extensions.invalidateSubscriptions({ subscriptionField: 'onMessage', payload: { roomId: 'r1', userId: 'u1' } });
    h.extensions.invalidateSubscriptions({ subscriptionField: 'onMessage', payload: { userId: 'u1', roomId: 'r1' } });
    h.extensions.invalidateSubscriptions({ subscriptionField: 'onMessage', payload: { roomId: 'r2', userId: 'u1' } });
    h.extensions.invalidateSubscriptions({ subscriptionField: 'onTyping', payload: { roomId: 'r1', userId: 'u1' } });
    expect(h.state.effects.invalidations).toEqual([
      { subscriptionField: 'onMessage', payload: { roomId: 'r1', userId: 'u1' } },
      { subscriptionField: 'onMessage', payload: { roomId: 'r2', userId: 'u1' } },
      { subscriptionField: 'onTyping', payload: { roomId: 'r1', userId: 'u1' } },
    ]);
    expect(thrown(() => h.extensions.invalidateSubscriptions({ subscriptionField: 'x' } as never))).toBeInstanceOf(
      UtilArgumentError,
    );
  });

  it('records cache evictions', () => {
    const h = harness();
    h.extensions.evictFromApiCache('Query', 'getRoom', { 'context.arguments.id': 'r1' });
    expect(h.state.effects.cacheEvictions).toEqual([
      { typeName: 'Query', fieldName: 'getRoom', keys: { 'context.arguments.id': 'r1' } },
    ]);
  });

  it('records into the effects of the call in progress', () => {
    const h = harness();
    const first = h.state.effects;
    h.state = { ...h.state, effects: newEffects() };
    h.extensions.evictFromApiCache('Query', 'getRoom', { 'context.arguments.id': 'r1' });
    h.util.appendError('later');
    expect(first.cacheEvictions).toEqual([]);
    expect(h.state.effects.cacheEvictions).toHaveLength(1);
    expect(h.state.effects.appendedErrors).toHaveLength(1);
  });
});

describe('runtime.earlyReturn', () => {
  const { runtime } = harness();

  it('throws a signal carrying the value, leaving skipTo unset for the engine to default by context', () => {
    const signal = thrown(() => runtime.earlyReturn({ hello: 'world' })) as EarlyReturnSignal;
    expect(signal).toBeInstanceOf(EarlyReturnSignal);
    expect(signal.value).toEqual({ hello: 'world' });
    expect(signal.skipTo).toBeNull();
  });

  it('honours skipTo NEXT, treats no value as null and rejects other targets', () => {
    const signal = thrown(() => runtime.earlyReturn(undefined, { skipTo: 'NEXT' })) as EarlyReturnSignal;
    expect(signal.skipTo).toBe('NEXT');
    expect(signal.value).toBeNull();
    expect(thrown(() => runtime.earlyReturn(1, { skipTo: 'LATER' as never }))).toBeInstanceOf(UtilArgumentError);
  });
});

describe('util.http', () => {
  it('copyHeaders drops the restricted headers', () => {
    const { util } = harness();
    expect(
      util.http.copyHeaders({
        host: 'x',
        'Content-Length': '3',
        connection: 'keep-alive',
        'x-api-key': 'k',
        authorization: 'a',
        'x-forwarded-for': '1.2.3.4',
      }),
    ).toEqual({ 'x-api-key': 'k', authorization: 'a', 'x-forwarded-for': '1.2.3.4' });
  });

  it('records response headers (last write wins) and reports restricted names or null values', () => {
    const h = harness();
    h.util.http.addResponseHeader('itemsCount', 7);
    h.util.http.addResponseHeaders({ headerString: 'stringValue', headerObject: { field1: 7 }, itemsCount: 8 });
    h.util.http.addResponseHeader('x-amzn-RequestId', 'nope');
    h.util.http.addResponseHeader('Content-Type', 'text/plain');
    h.util.http.addResponseHeader('render', null);
    expect(responseHeadersOf(h.state.effects)).toEqual({
      itemsCount: '8',
      headerString: 'stringValue',
      headerObject: '{"field1":7}',
    });
    expect(h.state.effects.appendedErrors.map((e) => e.errorType)).toEqual([
      'ResponseHeaderError',
      'ResponseHeaderError',
      'ResponseHeaderError',
    ]);
  });
});

describe('util.xml', () => {
  const { util } = harness();
  const posts = `<?xml version="1.0" encoding="UTF-8"?>
<posts>
<post>
  <id>1</id>
  <title>Getting started with GraphQL</title>
</post>
</posts>`;

  it('converts the documented example, numbers included', () => {
    expect(util.xml.toMap(posts)).toEqual({ posts: { post: { id: 1, title: 'Getting started with GraphQL' } } });
    expect(util.xml.toJsonString(posts)).toBe('{"posts":{"post":{"id":1,"title":"Getting started with GraphQL"}}}');
    expect(util.xml.toJsonString(posts, true)).toBe(
      JSON.stringify('{"posts":{"post":{"id":1,"title":"Getting started with GraphQL"}}}'),
    );
  });

  it('turns repeated elements into lists and attributes into keys', () => {
    const xml = `<!-- feed --><feed lang="en"><entry id="a1" draft="false">First &amp; best</entry><entry id="a2"><![CDATA[<raw>]]></entry><empty/></feed>`;
    expect(util.xml.toMap(xml)).toEqual({
      feed: {
        lang: 'en',
        entry: [
          { id: 'a1', draft: false, content: 'First & best' },
          { id: 'a2', content: '<raw>' },
        ],
        empty: '',
      },
    });
  });

  it('rejects malformed XML', () => {
    expect(thrown(() => util.xml.toMap('<a><b></a>'))).toBeInstanceOf(UtilArgumentError);
    expect(thrown(() => util.xml.toMap('<a>'))).toBeInstanceOf(UtilArgumentError);
    expect(util.xml.toMap('')).toBeNull();
  });
});
