import { describe, it, expect } from 'vitest';
import {
  matchesArguments,
  matchesSubscriptionFilter,
  validateSubscriptionFilter,
} from '../../../local/appsync/subscriptions/filters.js';
import { SubscriptionFilterError } from '../../../local/appsync/subscriptions/errors.js';
import type { SubscriptionFilter } from '../../../local/appsync/subscriptions/types.js';

const payload = {
  id: 'm1',
  roomId: 'room-7',
  body: 'hello world',
  severity: 5,
  score: 2.5,
  pinned: true,
  editedAt: null,
  tags: ['urgent', 'ops', 3],
  author: { name: 'Ana', address: { city: 'Lisbon', geo: { zone: { code: 'PT-11' } } } },
};

/** A one-filter filter, validated as the runtime would. */
function single(fieldName: string, operator: string, value: unknown): SubscriptionFilter {
  return validateSubscriptionFilter({ filterGroup: [{ filters: [{ fieldName, operator, value }] }] });
}

function matches(fieldName: string, operator: string, value: unknown, data: unknown = payload): boolean {
  return matchesSubscriptionFilter(single(fieldName, operator, value), data);
}

function rejection(filter: unknown): string {
  try {
    validateSubscriptionFilter(filter);
  } catch (error) {
    expect(error).toBeInstanceOf(SubscriptionFilterError);
    return (error as Error).message;
  }
  throw new Error('the filter was accepted');
}

const filterOf = (...filters: unknown[]) => ({ filterGroup: [{ filters }] });

describe('matchesSubscriptionFilter operators', () => {
  it.each([
    // [fieldName, operator, value, matches]
    ['roomId', 'eq', 'room-7', true],
    ['roomId', 'eq', 'room-8', false],
    ['severity', 'eq', 5, true],
    ['severity', 'eq', '5', false],
    ['pinned', 'eq', true, true],
    ['pinned', 'eq', false, false],
    ['editedAt', 'eq', null, true],
    ['missing', 'eq', null, true],
    ['roomId', 'eq', null, false],
    ['roomId', 'ne', 'room-8', true],
    ['roomId', 'ne', 'room-7', false],
    ['missing', 'ne', 'x', true],
    ['roomId', 'ne', null, true],
    ['editedAt', 'ne', null, false],
    ['severity', 'lt', 6, true],
    ['severity', 'lt', 5, false],
    ['severity', 'le', 5, true],
    ['severity', 'le', 4, false],
    ['severity', 'gt', 4, true],
    ['severity', 'gt', 5, false],
    ['severity', 'ge', 5, true],
    ['severity', 'ge', 6, false],
    ['score', 'gt', 2, true],
    ['roomId', 'gt', 'room-10', true], // lexicographic: "room-7" > "room-10"
    ['roomId', 'lt', 'room-10', false],
    ['roomId', 'ge', 'room-7', true],
    ['roomId', 'le', 'room-69', false],
    ['severity', 'gt', '4', false], // a number field never orders against a string
    ['missing', 'lt', 100, false],
    ['body', 'contains', 'lo wo', true],
    ['body', 'contains', 'bye', false],
    ['tags', 'contains', 'ops', true],
    ['tags', 'contains', 3, true],
    ['tags', 'contains', 'op', false],
    ['severity', 'contains', 5, false],
    ['body', 'notContains', 'bye', true],
    ['body', 'notContains', 'hello', false],
    ['tags', 'notContains', 'info', true],
    ['tags', 'notContains', 'urgent', false],
    ['body', 'beginsWith', 'hello', true],
    ['body', 'beginsWith', 'world', false],
    ['tags', 'beginsWith', 'urg', false],
    ['roomId', 'in', ['room-1', 'room-7'], true],
    ['roomId', 'in', ['room-1', 'room-2'], false],
    ['severity', 'in', [1, 5], true],
    ['roomId', 'notIn', ['room-1', 'room-2'], true],
    ['roomId', 'notIn', ['room-7'], false],
    ['severity', 'between', [5, 9], true],
    ['severity', 'between', [1, 5], true],
    ['severity', 'between', [6, 9], false],
    ['score', 'between', [2, 3], true],
    ['roomId', 'between', ['room-5', 'room-8'], true],
    ['roomId', 'between', ['room-8', 'room-9'], false],
    ['severity', 'between', ['1', '9'], false],
    ['tags', 'containsAny', ['info', 'ops'], true],
    ['tags', 'containsAny', [3], true],
    ['tags', 'containsAny', ['info', 'debug'], false],
    ['roomId', 'containsAny', ['room-7'], false],
  ] as const)('%s %s %j → %s', (fieldName, operator, value, expected) => {
    expect(matches(fieldName, operator, value)).toBe(expected);
  });

  it('follows dotted field names into nested objects, up to five levels', () => {
    expect(matches('author.name', 'eq', 'Ana')).toBe(true);
    expect(matches('author.address.city', 'eq', 'Lisbon')).toBe(true);
    expect(matches('author.address.geo.zone.code', 'beginsWith', 'PT')).toBe(true);
    expect(matches('author.address.city', 'eq', 'Porto')).toBe(false);
    expect(matches('author.address.country', 'eq', null)).toBe(true);
    expect(matches('body.length', 'eq', 11)).toBe(false);
    expect(matches('tags.0', 'eq', 'urgent')).toBe(false);
  });

  it('reads only own properties of the payload', () => {
    expect(matches('constructor', 'eq', null, {})).toBe(true);
    expect(matches('toString', 'ne', null, {})).toBe(false);
  });

  it('ANDs the filters of a group and ORs the groups', () => {
    const filter = validateSubscriptionFilter({
      filterGroup: [
        {
          filters: [
            { fieldName: 'roomId', operator: 'eq', value: 'room-7' },
            { fieldName: 'severity', operator: 'ge', value: 8 },
          ],
        },
        {
          filters: [
            { fieldName: 'author.name', operator: 'eq', value: 'Ana' },
            { fieldName: 'pinned', operator: 'eq', value: true },
          ],
        },
      ],
    });
    expect(matchesSubscriptionFilter(filter, payload)).toBe(true); // second group
    expect(matchesSubscriptionFilter(filter, { ...payload, pinned: false })).toBe(false); // neither group
    expect(matchesSubscriptionFilter(filter, { ...payload, pinned: false, severity: 9 })).toBe(true); // first group
    expect(matchesSubscriptionFilter(filter, { roomId: 'room-7', severity: 9 })).toBe(true);
    expect(matchesSubscriptionFilter(filter, { roomId: 'room-8', severity: 9 })).toBe(false);
  });

  it('never matches a payload that is not an object', () => {
    const filter = single('roomId', 'eq', 'room-7');
    expect(matchesSubscriptionFilter(filter, null)).toBe(false);
    expect(matchesSubscriptionFilter(filter, [payload])).toBe(false);
    expect(matchesSubscriptionFilter(filter, 'room-7')).toBe(false);
  });

  it('evaluates filters that did not come from validateSubscriptionFilter', () => {
    const raw: SubscriptionFilter = {
      filterGroup: [{ filters: [{ fieldName: 'author.address.city', operator: 'in', value: ['Lisbon', 'Porto'] }] }],
    };
    expect(matchesSubscriptionFilter(raw, payload)).toBe(true);
    expect(matchesSubscriptionFilter(raw, { author: { address: { city: 'Faro' } } })).toBe(false);
  });
});

describe('validateSubscriptionFilter', () => {
  it('returns an immutable copy that later changes to the input cannot affect', () => {
    const input = { filterGroup: [{ filters: [{ fieldName: 'roomId', operator: 'in', value: ['room-7'] }] }] };
    const filter = validateSubscriptionFilter(input);
    input.filterGroup[0]!.filters[0]!.value.push('room-8');
    input.filterGroup[0]!.filters[0]!.fieldName = 'id';
    expect(matchesSubscriptionFilter(filter, { roomId: 'room-8' })).toBe(false);
    expect(matchesSubscriptionFilter(filter, { roomId: 'room-7' })).toBe(true);
    expect(Object.isFrozen(filter)).toBe(true);
    expect(Object.isFrozen(filter.filterGroup[0]!.filters[0])).toBe(true);
    expect(filter).toEqual({
      filterGroup: [{ filters: [{ fieldName: 'roomId', operator: 'in', value: ['room-7'] }] }],
    });
  });

  it('accepts filters at every limit', () => {
    const fiveFilters = Array.from({ length: 5 }, (_, index) => ({ fieldName: `f${index}`, operator: 'ne', value: 1 }));
    const filter = validateSubscriptionFilter({
      filterGroup: [
        ...Array.from({ length: 9 }, () => ({ filters: fiveFilters })),
        {
          filters: [
            { fieldName: 'a', operator: 'in', value: [1, 2, 3, 4, 5] },
            { fieldName: 'b', operator: 'containsAny', value: Array.from({ length: 20 }, (_, index) => index) },
            { fieldName: 'a.b.c.d.e', operator: 'eq', value: 'x' },
            { fieldName: 'x'.repeat(256), operator: 'eq', value: 'x' },
          ],
        },
      ],
    });
    expect(filter.filterGroup).toHaveLength(10);
  });

  it('refuses an unknown operator', () => {
    expect(rejection(filterOf({ fieldName: 'a', operator: 'startsWith', value: 'x' }))).toBe(
      'subscription filter has invalid operator `startsWith`.',
    );
    expect(rejection(filterOf({ fieldName: 'a', value: 'x' }))).toBe(
      'subscription filter has invalid operator `undefined`.',
    );
  });

  it('refuses more than 5 in/notIn values and more than 20 containsAny values', () => {
    expect(rejection(filterOf({ fieldName: 'a', operator: 'in', value: [1, 2, 3, 4, 5, 6] }))).toBe(
      'subscription filter has invalid filter value for operator `in`. At most 5 values are allowed; got 6.',
    );
    expect(rejection(filterOf({ fieldName: 'a', operator: 'notIn', value: ['a', 'b', 'c', 'd', 'e', 'f'] }))).toMatch(
      /^subscription filter has invalid filter value for operator `notIn`\. At most 5 values/,
    );
    const many = Array.from({ length: 21 }, (_, index) => `t${index}`);
    expect(rejection(filterOf({ fieldName: 'tags', operator: 'containsAny', value: many }))).toBe(
      'subscription filter has invalid filter value for operator `containsAny`. At most 20 values are allowed; got 21.',
    );
  });

  it('refuses more than 10 groups and more than 5 filters in a group', () => {
    const group = { filters: [{ fieldName: 'a', operator: 'eq', value: 1 }] };
    expect(rejection({ filterGroup: Array.from({ length: 11 }, () => group) })).toBe(
      'subscription filter has 11 filter groups; at most 10 are allowed.',
    );
    const six = Array.from({ length: 6 }, () => group.filters[0]);
    expect(rejection({ filterGroup: [{ filters: six }] })).toBe(
      'subscription filter group has 6 filters; at most 5 are allowed.',
    );
  });

  it('refuses field names longer than 256 characters or nested deeper than 5 levels', () => {
    expect(rejection(filterOf({ fieldName: 'x'.repeat(257), operator: 'eq', value: 1 }))).toMatch(
      /^subscription filter has invalid field name `x{40}…`: at most 256 characters are allowed\.$/,
    );
    expect(rejection(filterOf({ fieldName: 'a.b.c.d.e.f', operator: 'eq', value: 1 }))).toBe(
      'subscription filter has invalid field name `a.b.c.d.e.f`: at most 5 levels of nesting are allowed.',
    );
    expect(rejection(filterOf({ fieldName: 'a..b', operator: 'eq', value: 1 }))).toBe(
      'subscription filter has invalid field name `a..b`.',
    );
    expect(rejection(filterOf({ fieldName: '', operator: 'eq', value: 1 }))).toBe(
      'subscription filter has a filter without a `fieldName`.',
    );
  });

  it('refuses a between value that is not a pair of like values', () => {
    for (const value of [[1], [1, 2, 3], 5, [1, '2'], [true, false], [null, 1]]) {
      expect(rejection(filterOf({ fieldName: 'a', operator: 'between', value }))).toBe(
        'subscription filter has invalid filter value for operator `between`. Expected a list of two strings or two numbers: [low, high].',
      );
    }
  });

  it.each([
    ['eq', { a: 1 }, 'Expected a string, number, boolean or null.'],
    ['ne', [1], 'Expected a string, number, boolean or null.'],
    ['lt', true, 'Expected a string or number.'],
    ['ge', null, 'Expected a string or number.'],
    ['contains', false, 'Expected a string or number.'],
    ['notContains', ['a'], 'Expected a string or number.'],
    ['gt', Number.NaN, 'Expected a string or number.'],
    ['beginsWith', 5, 'Expected a string.'],
    ['in', 'room-7', 'Expected a non-empty list of strings or numbers.'],
    ['notIn', [], 'Expected a non-empty list of strings or numbers.'],
    ['containsAny', [true], 'Expected a non-empty list of strings or numbers.'],
  ])('refuses a %s value of the wrong type: %j', (operator, value, detail) => {
    expect(rejection(filterOf({ fieldName: 'a', operator, value }))).toBe(
      `subscription filter has invalid filter value for operator \`${operator}\`. ${detail}`,
    );
  });

  it('refuses malformed structures', () => {
    expect(rejection(null)).toBe('subscription filter must have a non-empty `filterGroup` list.');
    expect(rejection({ filterGroup: [] })).toBe('subscription filter must have a non-empty `filterGroup` list.');
    expect(rejection({ filterGroup: {} })).toBe('subscription filter must have a non-empty `filterGroup` list.');
    expect(rejection({ filterGroup: [{ filters: [] }] })).toBe(
      'subscription filter group must have a non-empty `filters` list.',
    );
    expect(rejection({ filterGroup: [{}] })).toBe('subscription filter group must have a non-empty `filters` list.');
    expect(rejection(filterOf('roomId'))).toBe('subscription filter has a filter that is not an object.');
  });
});

describe('matchesArguments', () => {
  it('matches when every supplied argument equals the same-named top-level field', () => {
    expect(matchesArguments({ roomId: 'room-7' }, payload)).toBe(true);
    expect(matchesArguments({ roomId: 'room-7', severity: 5 }, payload)).toBe(true);
    expect(matchesArguments({ roomId: 'room-7', severity: 4 }, payload)).toBe(false);
    expect(matchesArguments({ roomId: 'room-8' }, payload)).toBe(false);
  });

  it('does not filter on omitted arguments', () => {
    expect(matchesArguments({}, payload)).toBe(true);
    expect(matchesArguments({ roomId: undefined }, payload)).toBe(true);
  });

  it('treats an explicit null as "must be null"', () => {
    expect(matchesArguments({ editedAt: null }, payload)).toBe(true);
    expect(matchesArguments({ missing: null }, payload)).toBe(true);
    expect(matchesArguments({ roomId: null }, payload)).toBe(false);
  });

  it('compares only top-level fields, with strict scalar equality', () => {
    expect(matchesArguments({ name: 'Ana' }, payload)).toBe(false);
    expect(matchesArguments({ severity: '5' }, payload)).toBe(false);
    expect(matchesArguments({ missing: 'x' }, payload)).toBe(false);
    expect(matchesArguments({ constructor: 'x' }, {})).toBe(false);
  });

  it('compares list and input-object arguments by value', () => {
    expect(matchesArguments({ tags: ['urgent', 'ops', 3] }, payload)).toBe(true);
    expect(matchesArguments({ tags: ['urgent', 'ops'] }, payload)).toBe(false);
    expect(matchesArguments({ author: { address: payload.author.address, name: 'Ana' } }, payload)).toBe(true);
    expect(matchesArguments({ author: { name: 'Ana' } }, payload)).toBe(false);
    expect(matchesArguments({ author: { name: 'Ana', address: { city: 'Lisbon', geo: null } } }, payload)).toBe(false);
  });

  it('fails supplied arguments against a payload that is not an object', () => {
    expect(matchesArguments({ roomId: 'room-7' }, null)).toBe(false);
    expect(matchesArguments({ roomId: null }, null)).toBe(true);
  });
});
