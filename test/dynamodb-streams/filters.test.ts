/**
 * Event filter patterns (Lambda's FilterCriteria) matched against stream records, without a stream: each operator,
 * nesting, `$or`, absent fields, refused patterns; and the chat consumers' own filters against every item kind the
 * chat table holds, checked with the handlers' own decisions (lambdas/stream).
 */
import { DynamoDBStreamRecord } from '@aws-lambda-powertools/parser/schemas/dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { chatStreamConsumers } from '../../lambdas/app.js';
import { changeOf } from '../../lambdas/stream/changes.js';
import { eventOfRecord } from '../../lambdas/stream/event-records.js';
import {
  compileEventFilters,
  StreamConsumerDefinitionError,
  type EventFilterPattern,
} from '../../local/dynamodb-streams/index.js';

/** Whether `record` passes the single pattern `pattern`. */
const passes = (pattern: EventFilterPattern, record: unknown): boolean => compileEventFilters('f', [pattern]).matches(record);

/** The error message compiling `patterns` fails with. */
function refusal(patterns: readonly EventFilterPattern[]): string {
  try {
    compileEventFilters('fanOut', patterns);
  } catch (error) {
    expect(error).toBeInstanceOf(StreamConsumerDefinitionError);
    return (error as Error).message;
  }
  throw new Error(`${JSON.stringify(patterns)} was accepted`);
}

describe('event filter patterns', () => {
  it('match exact values of any JSON type, by type, at nested fields', () => {
    const record = { eventName: 'INSERT', dynamodb: { NewImage: { type: { S: 'Message' }, n: { N: '5' } } }, flag: true, none: null, count: 3 };
    expect(passes({ dynamodb: { NewImage: { type: { S: ['Message'] } } } }, record)).toBe(true);
    expect(passes({ dynamodb: { NewImage: { type: { S: ['Room', 'Message'] } } } }, record)).toBe(true);
    expect(passes({ dynamodb: { NewImage: { type: { S: ['message'] } } } }, record)).toBe(false);
    expect(passes({ flag: [true], none: [null], count: [3] }, record)).toBe(true);
    expect(passes({ count: ['3'] }, record)).toBe(false);
    expect(passes({ dynamodb: { NewImage: { n: { N: [5] } } } }, record)).toBe(false); // DynamoDB numbers are strings
    // Fields are ANDed.
    expect(passes({ eventName: ['INSERT'], dynamodb: { NewImage: { type: { S: ['Message'] } } } }, record)).toBe(true);
    expect(passes({ eventName: ['REMOVE'], dynamodb: { NewImage: { type: { S: ['Message'] } } } }, record)).toBe(false);
  });

  it('match a list in the record when any element matches', () => {
    const record = { dynamodb: { NewImage: { tags: { SS: ['red', 'blue'] }, items: { L: [{ S: 'a' }, { S: 'b' }] } } } };
    expect(passes({ dynamodb: { NewImage: { tags: { SS: ['blue'] } } } }, record)).toBe(true);
    expect(passes({ dynamodb: { NewImage: { tags: { SS: ['green'] } } } }, record)).toBe(false);
    expect(passes({ dynamodb: { NewImage: { items: { L: { S: ['b'] } } } } }, record)).toBe(true);
  });

  it('never match a field the record lacks, except with exists: false', () => {
    const record = { dynamodb: { OldImage: { type: { S: 'Membership' } } } };
    expect(passes({ dynamodb: { NewImage: { type: { S: ['Membership'] } } } }, record)).toBe(false);
    expect(passes({ dynamodb: { NewImage: { type: { S: [{ 'anything-but': 'Message' }] } } } }, record)).toBe(false);
    expect(passes({ dynamodb: { NewImage: { type: { S: [{ prefix: '' }] } } } }, record)).toBe(false);
    expect(passes({ dynamodb: { NewImage: [{ exists: false }] } }, record)).toBe(true);
    expect(passes({ dynamodb: { NewImage: { type: { S: [{ exists: false }] } } } }, record)).toBe(true);
    expect(passes({ dynamodb: { OldImage: { type: { S: [{ exists: true }] } } } }, record)).toBe(true);
    expect(passes({ dynamodb: { OldImage: { type: { S: [{ exists: false }] } } } }, record)).toBe(false);
    // exists applies to leaves: an object is not a value.
    expect(passes({ dynamodb: { OldImage: [{ exists: true }] } }, record)).toBe(false);
  });

  it('prefix, suffix and equals-ignore-case, with or without case', () => {
    const record = { dynamodb: { Keys: { pk: { S: 'ROOM#general' }, file: { S: 'cat.PNG' } } } };
    const key = (field: string, matcher: EventFilterPattern): EventFilterPattern => ({ dynamodb: { Keys: { [field]: { S: [matcher] } } } });
    expect(passes(key('pk', { prefix: 'ROOM#' }), record)).toBe(true);
    expect(passes(key('pk', { prefix: 'room#' }), record)).toBe(false);
    expect(passes(key('pk', { prefix: { 'equals-ignore-case': 'room#' } }), record)).toBe(true);
    expect(passes(key('file', { suffix: '.PNG' }), record)).toBe(true);
    expect(passes(key('file', { suffix: '.png' }), record)).toBe(false);
    expect(passes(key('file', { suffix: { 'equals-ignore-case': '.png' } }), record)).toBe(true);
    expect(passes(key('pk', { 'equals-ignore-case': 'room#GENERAL' }), record)).toBe(true);
    expect(passes(key('pk', { 'equals-ignore-case': 'room#' }), record)).toBe(false);
    expect(passes({ n: [{ prefix: '1' }] }, { n: 12 })).toBe(false); // strings only
  });

  it('anything-but a value or a list', () => {
    expect(passes({ state: [{ 'anything-but': 'stopped' }] }, { state: 'running' })).toBe(true);
    expect(passes({ state: [{ 'anything-but': 'stopped' }] }, { state: 'stopped' })).toBe(false);
    expect(passes({ state: [{ 'anything-but': ['stopped', 'overloaded'] }] }, { state: 'overloaded' })).toBe(false);
    expect(passes({ state: [{ 'anything-but': ['stopped', 'overloaded'] }] }, { state: 'running' })).toBe(true);
    expect(passes({ limit: [{ 'anything-but': [100, 200] }] }, { limit: 200 })).toBe(false);
    expect(passes({ limit: [{ 'anything-but': [100, 200] }] }, { limit: 300 })).toBe(true);
  });

  it('numeric comparisons and ranges, on JSON numbers only', () => {
    const price = (numeric: (string | number)[], value: unknown): boolean => passes({ price: [{ numeric }] }, { price: value });
    expect(price(['=', 100], 100)).toBe(true);
    expect(price(['=', 100], 100.5)).toBe(false);
    expect(price(['>', 10, '<=', 20], 20)).toBe(true);
    expect(price(['>', 10, '<=', 20], 10)).toBe(false);
    expect(price(['>=', 10, '<', 20], 10)).toBe(true);
    expect(price(['>=', 10, '<', 20], 20)).toBe(false);
    expect(price(['<', 0], -1)).toBe(true);
    expect(price(['>=', 0], '5')).toBe(false);
  });

  it('$or: any alternative, together with the fields beside it', () => {
    const pattern: EventFilterPattern = {
      eventName: ['MODIFY'],
      dynamodb: { $or: [{ NewImage: { type: { S: ['Message'] } } }, { Keys: { pk: { S: [{ prefix: 'USER#' }] } } }] },
    };
    expect(passes(pattern, { eventName: 'MODIFY', dynamodb: { NewImage: { type: { S: 'Message' } } } })).toBe(true);
    expect(passes(pattern, { eventName: 'MODIFY', dynamodb: { Keys: { pk: { S: 'USER#1' } } } })).toBe(true);
    expect(passes(pattern, { eventName: 'INSERT', dynamodb: { Keys: { pk: { S: 'USER#1' } } } })).toBe(false);
    expect(passes(pattern, { eventName: 'MODIFY', dynamodb: { Keys: { pk: { S: 'ROOM#1' } } } })).toBe(false);
  });

  it('keep a record matching any of several filters, and everything without filters', () => {
    const filters = compileEventFilters('f', [{ a: ['1'] }, { b: ['2'] }]);
    expect([{ a: '1' }, { b: '2' }, { a: '2', b: '1' }].map((record) => filters.matches(record))).toEqual([true, true, false]);
    expect(compileEventFilters('f', undefined).matches({})).toBe(true);
    expect(compileEventFilters('f', []).matches({})).toBe(true);
  });

  it('are refused when malformed or unsupported, naming the filter, the place and the reason', () => {
    expect(refusal([{ a: ['x'] }, { dynamodb: { NewImage: { type: { S: [{ wildcard: 'Mess*' }] } } } }])).toBe(
      'Stream consumer "fanOut": filters[1] at dynamodb.NewImage.type.S: unsupported operator "wildcard" ' +
        '(supported: prefix, suffix, anything-but, numeric, exists, equals-ignore-case)',
    );
    expect(refusal([{ dynamodb: { NewImage: { type: { S: 'Message' } } } }])).toMatch(
      /filters\[0\] at dynamodb\.NewImage\.type\.S: values to match go in a list, e\.g\. \["Message"\]/,
    );
    expect(refusal([{ a: [] }])).toMatch(/filters\[0\] at a: an empty list matches nothing/);
    expect(refusal([{}])).toMatch(/filters\[0\]: an empty object/);
    expect(refusal([{ a: [['x']] }])).toMatch(/cannot hold another list/);
    expect(refusal([{ a: [{ prefix: 'x', suffix: 'y' }] }])).toMatch(/exactly one operator/);
    expect(refusal([{ a: [{ exists: 'yes' }] }])).toMatch(/exists takes true or false/);
    expect(refusal([{ a: [{ prefix: 3 }] }])).toMatch(/prefix takes a string/);
    expect(refusal([{ a: [{ 'anything-but': { prefix: 'x' } }] }])).toMatch(/anything-but takes a string, a number or a non-empty list/);
    expect(refusal([{ a: [{ numeric: ['<', 5, '>', 1] }] }])).toMatch(/numeric takes one comparison/);
    expect(refusal([{ a: [{ numeric: ['~', 5] }] }])).toMatch(/numeric takes one comparison/);
    expect(refusal([{ a: [{ numeric: ['=', '5'] }] }])).toMatch(/numeric takes one comparison/);
    expect(refusal([{ b: ['1'], $or: [{ a: ['1'] }, { c: [{ suffix: 1 }] }] }])).toMatch(/filters\[0\] at \$or\.1\.c: suffix takes a string/);
    expect(refusal([{ $or: [] }])).toMatch(/\$or takes a non-empty list of patterns/);
    expect(refusal([{ a: ['1'] }, { a: ['2'] }, { a: ['3'] }, { a: ['4'] }, { a: ['5'] }, { a: ['6'] }])).toMatch(
      /filters has 6 patterns; Lambda allows 5/,
    );
    expect(refusal([{ a: ['x'.repeat(4096)] }])).toMatch(/filters\[0\]: the pattern is 4106 characters of JSON; Lambda allows 4096/);
  });
});

describe("the chat table's stream consumers' filters", () => {
  /** A record as Lambda delivers it (images in DynamoDB JSON) for a write of `item`. */
  function streamRecord(
    eventName: 'INSERT' | 'MODIFY' | 'REMOVE',
    item: Record<string, unknown>,
    before: Record<string, unknown> = item,
  ): DynamoDBRecord {
    const image = (value: Record<string, unknown>) => marshall(value, { removeUndefinedValues: true }) as never;
    return {
      eventID: '1',
      eventName,
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: 'us-east-1',
      eventSourceARN: 'arn:aws:dynamodb:us-east-1:000000000000:table/chat/stream/x',
      dynamodb: {
        ApproximateCreationDateTime: 1_700_000_000,
        Keys: image({ pk: item.pk, sk: item.sk }),
        ...(eventName !== 'REMOVE' && { NewImage: image(item) }),
        ...(eventName !== 'INSERT' && { OldImage: image(before) }),
        SequenceNumber: '100',
        SizeBytes: 100,
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
    };
  }

  const message = {
    pk: 'ROOM#r1', sk: 'MSG#1', type: 'Message', id: 'm1', roomId: 'r1', authorId: 'u1', body: 'hi', clientMessageId: 'c1',
    createdAt: '2026-01-01T00:00:00.000Z', version: 1, cursor: 'x', change: 'CREATED',
  };
  const joined = {
    pk: 'ROOM#r1', sk: 'MEMBER#u2', type: 'Membership', roomId: 'r1', userId: 'u2', role: 'MEMBER', status: 'JOINED',
    joinedAt: '2026-01-01T00:00:00.000Z', changedBy: 'u2', changedAt: '2026-01-01T00:00:00.000Z',
  };
  const connection = { pk: 'CONN#c1', sk: 'CONN#c1', type: 'Connection', connectionId: 'c1', userId: 'u1', expiresAt: 2_000_000_000 };
  const records: Record<string, DynamoDBRecord> = {
    'Message INSERT': streamRecord('INSERT', message),
    'Message MODIFY (edit)': streamRecord('MODIFY', { ...message, body: 'hello', change: 'EDITED', editedAt: '2026-01-01T00:01:00.000Z', version: 2 }, message),
    'Message REMOVE': streamRecord('REMOVE', message),
    'Membership INSERT': streamRecord('INSERT', joined),
    'Membership MODIFY (ban)': streamRecord('MODIFY', { ...joined, status: 'BANNED', changedBy: 'u1' }, joined),
    'Membership REMOVE (leave)': streamRecord('REMOVE', joined),
    'Connection INSERT': streamRecord('INSERT', connection),
    'Connection REMOVE (TTL)': streamRecord('REMOVE', connection),
    'MessageReceipt INSERT': streamRecord('INSERT', { pk: 'RECEIPT#u1#c1', sk: 'RECEIPT', type: 'MessageReceipt', messageId: 'm1' }),
    'SendRateCounter INSERT': streamRecord('INSERT', { pk: 'RATE#u1', sk: 'RATE#1', type: 'SendRateCounter', count: 1 }),
    'SendRateCounter MODIFY': streamRecord('MODIFY', { pk: 'RATE#u1', sk: 'RATE#1', type: 'SendRateCounter', count: 2 }),
    'SlowModeSend INSERT': streamRecord('INSERT', { pk: 'SLOW#r1#u1', sk: 'SLOW', type: 'SlowModeSend', sentAt: 1 }),
    'Room INSERT': streamRecord('INSERT', { pk: 'ROOM#r1', sk: 'ROOM', type: 'Room', name: 'general' }),
  };
  const consumer = (name: string) => {
    const found = chatStreamConsumers.find((candidate) => candidate.function === name);
    if (found === undefined) throw new Error(`no consumer ${name}`);
    return compileEventFilters(name, found.filters);
  };
  const parsed = (record: DynamoDBRecord) => DynamoDBStreamRecord.parse(record);
  const kept = (name: string) => Object.keys(records).filter((kind) => consumer(name).matches(records[kind]));

  it('chatStreamPush keeps every record changes.ts acts on, and drops receipts, counters, slow-mode sends and rooms', () => {
    const actedOn = Object.keys(records).filter((kind) => changeOf(parsed(records[kind]!)).kind !== 'ignored');
    expect(actedOn.length).toBeGreaterThan(0);
    expect(kept('chatStreamPush')).toEqual(expect.arrayContaining(actedOn));
    expect(kept('chatStreamPush')).toEqual([
      'Message INSERT',
      'Message MODIFY (edit)',
      'Membership INSERT',
      'Membership MODIFY (ban)',
      'Membership REMOVE (leave)',
      'Connection INSERT',
      'Connection REMOVE (TTL)',
    ]);
  });

  it('chatEventPublisher keeps every record event-records.ts makes an event of, and only Message and Membership items', () => {
    const published = Object.keys(records).filter((kind) => eventOfRecord(parsed(records[kind]!)).kind === 'event');
    expect(published).toEqual(['Message INSERT', 'Message MODIFY (edit)', 'Membership INSERT', 'Membership MODIFY (ban)', 'Membership REMOVE (leave)']);
    expect(kept('chatEventPublisher')).toEqual(published);
  });
});
