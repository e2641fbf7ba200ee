import { describe, expect, it } from 'vitest';
import { UtilArgumentError } from '../../../../local/appsync/runtime/util/index.js';
import { harness, thrown } from './fixture.js';

const { dynamodb } = harness().util;

describe('util.dynamodb — AWS-recorded outputs', () => {
  it('toDynamoDB of scalars', () => {
    expect(dynamodb.toDynamoDB('test')).toEqual({ S: 'test' });
    expect(dynamodb.toDynamoDB(12345)).toEqual({ N: 12345 });
    expect(dynamodb.toDynamoDB(true)).toEqual({ BOOL: true });
    expect(dynamodb.toDynamoDB(null)).toEqual({ NULL: null });
  });

  it('typed converters', () => {
    expect(dynamodb.toString('test')).toEqual({ S: 'test' });
    expect(dynamodb.toStringSet(['foo', 'bar', 'baz'])).toEqual({ SS: ['foo', 'bar', 'baz'] });
    expect(dynamodb.toNumber(12345)).toEqual({ N: 12345 });
    expect(dynamodb.toNumberSet([1, 23, 4.56])).toEqual({ NS: [1, 23, 4.56] });
    expect(dynamodb.toBinary('foo')).toEqual({ B: 'foo' });
    expect(dynamodb.toBinarySet(['foo', 'bar', 'baz'])).toEqual({ BS: ['foo', 'bar', 'baz'] });
    expect(dynamodb.toBoolean(true)).toEqual({ BOOL: true });
    expect(dynamodb.toNull()).toEqual({ NULL: null });
  });

  it('toList, toMap and toMapValues use L for arrays and keep numbers as numbers', () => {
    expect(dynamodb.toList(['foo', 123, { bar: 'baz' }])).toEqual({
      L: [{ S: 'foo' }, { N: 123 }, { M: { bar: { S: 'baz' } } }],
    });
    expect(dynamodb.toMap({ foo: 'bar', baz: 1234, beep: ['boop'] })).toEqual({
      M: { foo: { S: 'bar' }, baz: { N: 1234 }, beep: { L: [{ S: 'boop' }] } },
    });
    expect(dynamodb.toMapValues({ foo: 'bar', baz: 1234, beep: ['boop'] })).toEqual({
      foo: { S: 'bar' },
      baz: { N: 1234 },
      beep: { L: [{ S: 'boop' }] },
    });
  });

  it('toS3Object writes compact JSON, with the version when given', () => {
    expect(dynamodb.toS3Object('foo', 'bar', 'baz')).toEqual({
      S: '{"s3":{"key":"foo","bucket":"bar","region":"baz"}}',
    });
    expect(dynamodb.toS3Object('foo', 'bar', 'baz', 'beep')).toEqual({
      S: '{"s3":{"key":"foo","bucket":"bar","region":"baz","version":"beep"}}',
    });
  });
});

describe('util.dynamodb — other behaviour', () => {
  it('typed converters return null for null or undefined', () => {
    expect(dynamodb.toString(null)).toBeNull();
    expect(dynamodb.toNumber(undefined)).toBeNull();
    expect(dynamodb.toStringSet(null)).toBeNull();
    expect(dynamodb.toList(undefined)).toBeNull();
    expect(dynamodb.toMap(null)).toBeNull();
    expect(dynamodb.toMapValues(null)).toBeNull();
  });

  it('follows JSON: undefined dropped from maps, null in lists, dates via toJSON, NaN as NULL', () => {
    expect(dynamodb.toDynamoDB({ a: undefined, b: [undefined, 1], c: new Date(0), d: Number.NaN })).toEqual({
      M: { b: { L: [{ NULL: null }, { N: 1 }] }, c: { S: '1970-01-01T00:00:00.000Z' }, d: { NULL: null } },
    });
  });

  it('fromS3ObjectJson reads what toS3Object wrote', () => {
    const written = dynamodb.toS3Object('foo', 'bar', 'baz', 'beep');
    expect(dynamodb.fromS3ObjectJson(written.S)).toEqual({ key: 'foo', bucket: 'bar', region: 'baz', version: 'beep' });
    expect(dynamodb.fromS3ObjectJson(written)).toEqual({ key: 'foo', bucket: 'bar', region: 'baz', version: 'beep' });
    expect(thrown(() => dynamodb.fromS3ObjectJson('{"nope":1}'))).toBeInstanceOf(UtilArgumentError);
  });

  it('rejects non-lists for sets and lists', () => {
    expect(thrown(() => dynamodb.toStringSet('a' as unknown as string[]))).toBeInstanceOf(UtilArgumentError);
    expect(thrown(() => dynamodb.toList('a'))).toBeInstanceOf(UtilArgumentError);
  });
});
