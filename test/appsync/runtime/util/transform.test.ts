import { describe, expect, it } from 'vitest';
import { UtilArgumentError } from '../../../../local/appsync/runtime/util/index.js';
import { harness, thrown } from './fixture.js';

const { transform } = harness().util;

const filter = (value: unknown): unknown => {
  const json = transform.toDynamoDBFilterExpression(value as Record<string, unknown>);
  return json === null ? null : JSON.parse(json);
};

describe('util.transform.toDynamoDB*Expression — AWS-recorded strings', () => {
  it('filter expression (reference §2.4, verbatim)', () => {
    expect(transform.toDynamoDBFilterExpression({ title: { contains: 'Hello World' } })).toBe(
      '{"expression":"(contains(#title,:title_contains))","expressionNames":{"#title":"title"},"expressionValues":{":title_contains":{"S":"Hello World"}}}',
    );
  });

  it('condition expression (reference §2.4, verbatim)', () => {
    expect(transform.toDynamoDBConditionExpression({ id: { attributeExists: true }, version: { eq: 10 } })).toBe(
      '{"expression":"(attribute_exists(#id)) AND (#version = :version_eq)","expressionNames":{"#id":"id","#version":"version"},"expressionValues":{":version_eq":{"N":10}}}',
    );
  });

  it('keeps empty maps in the string form', () => {
    expect(transform.toDynamoDBConditionExpression({ and: [{ id: { attributeExists: false } }] })).toBe(
      '{"expression":"(attribute_not_exists(#id))","expressionNames":{"#id":"id"},"expressionValues":{}}',
    );
  });
});

// Expected values below were recorded from AWS with EvaluateCode (localstack/appsync-utils transform snapshots).
describe('util.transform.toDynamoDBFilterExpression — operators', () => {
  it('comparisons', () => {
    const ops: [string, string][] = [
      ['eq', '='],
      ['ne', '<>'],
      ['lt', '<'],
      ['le', '<='],
      ['gt', '>'],
      ['ge', '>='],
    ];
    for (const [op, symbol] of ops) {
      expect(filter({ v: { [op]: 'x' } })).toEqual({
        expression: `(#v ${symbol} :v_${op})`,
        expressionNames: { '#v': 'v' },
        expressionValues: { [`:v_${op}`]: { S: 'x' } },
      });
    }
  });

  it('operand types', () => {
    expect(filter({ v: { eq: 1.5 } })).toMatchObject({ expressionValues: { ':v_eq': { N: 1.5 } } });
    expect(filter({ v: { eq: true } })).toMatchObject({ expressionValues: { ':v_eq': { BOOL: true } } });
    expect(filter({ v: { eq: null } })).toMatchObject({ expressionValues: { ':v_eq': { NULL: null } } });
    expect(filter({ v: { eq: { a: 1 } } })).toMatchObject({ expressionValues: { ':v_eq': { M: { a: { N: 1 } } } } });
    expect(filter({ v: { eq: [1, 2] } })).toMatchObject({ expressionValues: { ':v_eq': { L: [{ N: 1 }, { N: 2 }] } } });
  });

  it('functions, between and in', () => {
    expect(filter({ v: { notContains: 'x' } })).toMatchObject({ expression: '(NOT contains(#v,:v_notContains))' });
    expect(filter({ v: { beginsWith: 'x' } })).toMatchObject({ expression: '(begins_with(#v,:v_beginsWith))' });
    expect(filter({ v: { between: ['1', '9', '3'] } })).toEqual({
      expression: '(#v BETWEEN :v_between_start AND :v_between_end)',
      expressionNames: { '#v': 'v' },
      expressionValues: { ':v_between_start': { S: '1' }, ':v_between_end': { S: '9' } },
    });
    expect(filter({ v: { in: ['a', 'b'] } })).toEqual({
      expression: '(#v IN (:v_in_0, :v_in_1))',
      expressionNames: { '#v': 'v' },
      expressionValues: { ':v_in_0': { S: 'a' }, ':v_in_1': { S: 'b' } },
    });
  });

  it('attributeExists and attributeType', () => {
    expect(filter({ v: { attributeExists: false } })).toEqual({
      expression: '(attribute_not_exists(#v))',
      expressionNames: { '#v': 'v' },
      expressionValues: {},
    });
    const types = {
      a: '_null',
      b: 'string',
      c: 'stringSet',
      d: 'number',
      e: 'numberSet',
      f: 'binary',
      g: 'binarySet',
      h: 'boolean',
      i: 'list',
      j: 'map',
    };
    const codes = ['NULL', 'S', 'SS', 'N', 'NS', 'B', 'BS', 'BOOL', 'L', 'M'];
    const rendered = filter(Object.fromEntries(Object.entries(types).map(([k, t]) => [k, { attributeType: t }]))) as {
      expression: string;
      expressionValues: Record<string, unknown>;
    };
    expect(rendered.expression).toBe(
      Object.keys(types)
        .map((k) => `(attribute_type(#${k},:${k}_attributeType))`)
        .join(' AND '),
    );
    expect(Object.values(rendered.expressionValues)).toEqual(codes.map((code) => ({ S: code })));
  });

  it('size', () => {
    expect(filter({ v: { size: { gt: 2 } } })).toEqual({
      expression: '(size(#v) > :v_size_gt)',
      expressionNames: { '#v': 'v' },
      expressionValues: { ':v_size_gt': { N: 2 } },
    });
    expect(filter({ v: { size: { between: [1, 3] } } })).toMatchObject({
      expression: '(size(#v) BETWEEN :v_size_between_start AND :v_size_between_end)',
    });
    expect(filter({ v: { size: { contains: 'x' } } })).toMatchObject({
      expression: '(contains(size(#v),:v_size_contains))',
    });
    expect(filter({ v: { size: { attributeExists: true } } })).toMatchObject({
      expression: '(attribute_exists(size(#v)))',
    });
    expect(filter({ v: { size: { gt: 2, lt: 5 } } })).toMatchObject({
      expression: '((size(#v) > :v_size_gt) AND (size(#v) < :v_size_lt))',
    });
    expect(filter({ v: { size: { size: { gt: 1 } } } })).toMatchObject({
      expression: '(size(#v) > :v_size_size_gt)',
      expressionValues: { ':v_size_size_gt': { N: 1 } },
    });
  });
});

describe('util.transform.toDynamoDBFilterExpression — grouping', () => {
  const expressionOf = (value: unknown): unknown => (filter(value) as { expression: string } | null)?.expression;

  it('wraps groups and multi-operator fields, not the top level', () => {
    expect(expressionOf({ a: { eq: 1 }, b: { eq: 2 } })).toBe('(#a = :a_eq) AND (#b = :b_eq)');
    expect(expressionOf({ v: { ge: 1, le: 5 } })).toBe('((#v >= :v_ge) AND (#v <= :v_le))');
    expect(expressionOf({ and: [{ a: { eq: 1 } }] })).toBe('(#a = :and_0_a_eq)');
    expect(expressionOf({ and: [{ a: { eq: 1 } }, { b: { eq: 2 } }] })).toBe(
      '((#a = :and_0_a_eq) AND (#b = :and_1_b_eq))',
    );
    expect(expressionOf({ or: [{ a: { eq: 1 } }, { b: { eq: 2 } }] })).toBe('((#a = :or_0_a_eq) OR (#b = :or_1_b_eq))');
    expect(expressionOf({ a: { eq: 1 }, and: [{ b: { eq: 2 } }] })).toBe('(#a = :a_eq) AND (#b = :and_0_b_eq)');
  });

  it('not and nesting carry every level in the value names', () => {
    expect(expressionOf({ not: { a: { eq: 1 } } })).toBe('(NOT (#a = :not_a_eq))');
    expect(expressionOf({ not: { not: { a: { eq: 1 } } } })).toBe('(NOT (NOT (#a = :not_not_a_eq)))');
    expect(expressionOf({ not: { and: [{ a: { eq: 1 } }, { b: { eq: 2 } }] } })).toBe(
      '(NOT ((#a = :not_and_0_a_eq) AND (#b = :not_and_1_b_eq)))',
    );
    expect(expressionOf({ and: [{ not: { a: { eq: 1 } } }, { b: { eq: 2 } }] })).toBe(
      '((NOT (#a = :and_0_not_a_eq)) AND (#b = :and_1_b_eq))',
    );
    expect(expressionOf({ or: [{ and: [{ a: { eq: 1 } }, { b: { eq: 2 } }] }, { c: { eq: 3 } }] })).toBe(
      '(((#a = :or_0_and_0_a_eq) AND (#b = :or_0_and_1_b_eq)) OR (#c = :or_1_c_eq))',
    );
    expect(expressionOf({ and: [{ or: [{ and: [{ a: { eq: 1 } }] }] }] })).toBe('(#a = :and_0_or_0_and_0_a_eq)');
    expect(filter({ 'a.b': { eq: 1 } })).toEqual({
      expression: '(#a.b = :a.b_eq)',
      expressionNames: { '#a.b': 'a.b' },
      expressionValues: { ':a.b_eq': { N: 1 } },
    });
  });

  it('renders empty pieces as AWS does', () => {
    expect(filter({})).toEqual({ expression: '', expressionNames: {}, expressionValues: {} });
    expect(filter({ and: [] })).toEqual({ expression: '', expressionNames: {}, expressionValues: {} });
    expect(filter({ v: {} })).toEqual({ expression: '', expressionNames: { '#v': 'v' }, expressionValues: {} });
    expect(filter({ v: { size: {} } })).toEqual({
      expression: '',
      expressionNames: { '#v': 'v' },
      expressionValues: {},
    });
    expect(expressionOf({ not: {} })).toBe('(NOT )');
    expect(expressionOf({ v: { in: [] } })).toBe('(null)');
    expect(expressionOf({ a: { eq: 1 }, b: {} })).toBe('(#a = :a_eq) AND ');
    expect(expressionOf({ and: [{ a: { eq: 1 } }, {}] })).toBe('((#a = :and_0_a_eq) AND )');
  });

  it('answers null for filters it cannot render', () => {
    const rejected: unknown[] = [
      undefined,
      null,
      [],
      'string',
      { v: { foo: 1 } },
      { v: 'x' },
      { a: { b: { eq: 1 } } },
      { and: { a: { eq: 1 } } },
      { and: null },
      { and: [{ a: { eq: 1 } }, null] },
      { not: [{ a: { eq: 1 } }] },
      { v: { between: [1] } },
      { v: { between: 'x' } },
      { v: { in: 'x' } },
      { v: { attributeExists: 'yes' } },
      { v: { attributeType: 'S' } },
      { v: { attributeType: 'bogus' } },
      { v: { size: 3 } },
    ];
    for (const value of rejected)
      expect(transform.toDynamoDBFilterExpression(value as Record<string, unknown>)).toBeNull();
  });

  it('renders conditions exactly like filters', () => {
    const shapes = [
      { content: { eq: 'x' } },
      { and: [{ content: { eq: 'x' } }, { version: { attributeExists: true } }] },
      { not: { id: { between: ['1', '9'] } } },
    ];
    for (const shape of shapes) {
      expect(transform.toDynamoDBConditionExpression(shape)).toBe(transform.toDynamoDBFilterExpression(shape));
    }
    expect(
      JSON.parse(transform.toDynamoDBConditionExpression({ not: { id: { between: ['1', '9'] } } }) ?? ''),
    ).toMatchObject({
      expression: '(NOT (#id BETWEEN :not_id_between_start AND :not_id_between_end))',
    });
  });
});

describe('util.transform.toSubscriptionFilter', () => {
  const f = (fieldName: string, operator: string, value: unknown) => ({ fieldName, operator, value });

  it('multiplies the documented example out into 4 groups (reference §2.4)', () => {
    const result = transform.toSubscriptionFilter({
      percentageUp: { lte: 50, gte: 20 },
      and: [{ title: { ne: 'Book1' } }, { downvotes: { gt: 2000 } }],
      or: [{ author: { eq: 'Admin' } }, { isPublished: { eq: false } }],
    });
    const common = [f('title', 'ne', 'Book1'), f('downvotes', 'gt', 2000)];
    expect(result).toEqual({
      filterGroup: [
        { filters: [f('percentageUp', 'lte', 50), ...common, f('author', 'eq', 'Admin')] },
        { filters: [f('percentageUp', 'lte', 50), ...common, f('isPublished', 'eq', false)] },
        { filters: [f('percentageUp', 'gte', 20), ...common, f('author', 'eq', 'Admin')] },
        { filters: [f('percentageUp', 'gte', 20), ...common, f('isPublished', 'eq', false)] },
      ],
    });
  });

  it('ANDs fields and and-members, ORs operators of one field and or-members', () => {
    expect(transform.toSubscriptionFilter({ a: { eq: 1 }, b: { eq: 2 } })).toEqual({
      filterGroup: [{ filters: [f('a', 'eq', 1), f('b', 'eq', 2)] }],
    });
    expect(transform.toSubscriptionFilter({ z: { eq: 0 }, and: [{ a: { eq: 1 } }] })).toEqual({
      filterGroup: [{ filters: [f('z', 'eq', 0), f('a', 'eq', 1)] }],
    });
    expect(transform.toSubscriptionFilter({ a: { eq: 1, ne: 2 } })).toEqual({
      filterGroup: [{ filters: [f('a', 'eq', 1)] }, { filters: [f('a', 'ne', 2)] }],
    });
    expect(
      transform.toSubscriptionFilter({ and: [{ a: { eq: 1 } }, { or: [{ b: { eq: 2 } }, { c: { eq: 3 } }] }] }),
    ).toEqual({
      filterGroup: [{ filters: [f('a', 'eq', 1), f('b', 'eq', 2)] }, { filters: [f('a', 'eq', 1), f('c', 'eq', 3)] }],
    });
    expect(transform.toSubscriptionFilter({ 'loc.addr.country': { eq: 'USA' } })).toEqual({
      filterGroup: [{ filters: [f('loc.addr.country', 'eq', 'USA')] }],
    });
  });

  it('carries operators and values through unchecked (not is just a field name)', () => {
    expect(
      transform.toSubscriptionFilter({ a: { bogus: 1 }, b: { between: [1, 9] }, c: { containsAny: ['x', 'y'] } }),
    ).toEqual({
      filterGroup: [{ filters: [f('a', 'bogus', 1), f('b', 'between', [1, 9]), f('c', 'containsAny', ['x', 'y'])] }],
    });
    expect(transform.toSubscriptionFilter({ not: { a: { eq: 1 } } })).toEqual({
      filterGroup: [{ filters: [f('not', 'a', { eq: 1 })] }],
    });
  });

  it('drops ignored fields, also inside and', () => {
    expect(transform.toSubscriptionFilter({ a: { eq: 1 }, b: { eq: 2 } }, ['a'])).toEqual({
      filterGroup: [{ filters: [f('b', 'eq', 2)] }],
    });
    expect(transform.toSubscriptionFilter({ and: [{ a: { eq: 1 } }, { b: { eq: 2 } }] }, ['b'])).toEqual({
      filterGroup: [{ filters: [f('a', 'eq', 1)] }],
    });
  });

  it('adds each rule to a copy of every group', () => {
    expect(transform.toSubscriptionFilter({ a: { eq: 1 } }, [], { r1: { gte: 250 }, r2: { eq: 'p' } })).toEqual({
      filterGroup: [
        { filters: [f('a', 'eq', 1), f('r1', 'gte', 250)] },
        { filters: [f('a', 'eq', 1), f('r2', 'eq', 'p')] },
      ],
    });
    expect(transform.toSubscriptionFilter({}, [], { r1: { eq: 1 } })).toEqual({
      filterGroup: [{ filters: [f('r1', 'eq', 1)] }],
    });
  });

  it('yields no group for empty filters and null for non-objects', () => {
    expect(transform.toSubscriptionFilter({})).toEqual({ filterGroup: [] });
    expect(transform.toSubscriptionFilter({ and: [] })).toEqual({ filterGroup: [] });
    expect(transform.toSubscriptionFilter({ a: {} })).toEqual({ filterGroup: [] });
    for (const value of [null, undefined, [], '{"a":{"eq":1}}']) {
      expect(transform.toSubscriptionFilter(value as unknown as Record<string, unknown>)).toBeNull();
    }
  });
});

describe('util.transform.toElasticsearchQueryDSL', () => {
  it('renders the documented example', () => {
    const dsl = transform.toElasticsearchQueryDSL({
      upvotes: { ne: 15, range: [10, 20] },
      title: { eq: 'hihihi', wildcard: 'h*i' },
    });
    expect(JSON.parse(dsl)).toEqual({
      bool: {
        must: [
          {
            bool: {
              must: [{ bool: { must_not: { term: { upvotes: 15 } } } }, { range: { upvotes: { gte: 10, lte: 20 } } }],
            },
          },
          { bool: { must: [{ term: { title: 'hihihi' } }, { wildcard: { title: 'h*i' } }] } },
        ],
      },
    });
  });

  it('renders or, not, exists, full-text and comparison operators', () => {
    expect(
      JSON.parse(
        transform.toElasticsearchQueryDSL({
          or: [{ title: { matchPhrase: 'hello world' } }, { views: { gte: 10 } }],
          not: { deleted: { exists: true } },
        }),
      ),
    ).toEqual({
      bool: {
        must: [
          {
            bool: {
              should: [{ match_phrase: { title: 'hello world' } }, { range: { views: { gte: 10 } } }],
              minimum_should_match: 1,
            },
          },
          { bool: { must_not: { exists: { field: 'deleted' } } } },
        ],
      },
    });
    expect(thrown(() => transform.toElasticsearchQueryDSL({ a: { nope: 1 } }))).toBeInstanceOf(UtilArgumentError);
  });
});
